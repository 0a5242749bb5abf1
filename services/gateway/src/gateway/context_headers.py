"""The signed tenant context that tells a board whose request it is serving."""

from __future__ import annotations

import time
from collections.abc import Callable

from tenant_context import BoardLink, TenantContext, sign_context

from gateway.routes import Grant, RouteTable


def board_links(table: RouteTable, home_prefix: str) -> tuple[BoardLink, ...]:
    """Return links to every board of the tenant, as the browser reaches them."""
    return tuple(
        BoardLink(
            slug=grant.board,
            title=grant.title or grant.board,
            href=f"{home_prefix}/{grant.mount_path}/" if grant.mount_path else f"{home_prefix}/",
        )
        for grant in table.boards
    )


def tenant_context(table: RouteTable, grant: Grant, prefix: str, home_prefix: str) -> TenantContext:
    """Return the context a board gets for requests under ``prefix``."""
    tenant = table.tenant
    return TenantContext(
        tenant=tenant.slug,
        display_name=tenant.display_name,
        fiware_service=tenant.fiware_service,
        service_path=grant.service_path or tenant.service_path,
        timezone=tenant.timezone,
        theme="dark" if tenant.theme == "dark" else "light",
        board=grant.board,
        public_prefix=prefix + "/",
        settings=grant.settings,
        boards=board_links(table, home_prefix),
    )


class ContextSigner:
    """Signs contexts, reusing a signature within the second it was made.

    The signature only carries whole seconds, so signing the same context for the same
    method and board service twice in one second gives the same headers; caching them
    keeps JSON encoding and HMAC off the hot path. Entries are keyed by the route table
    object, so a refreshed table gets fresh contexts.
    """

    def __init__(self, secret: str, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._clock = clock
        self._cache: dict[
            tuple[int, str, str, str, str], tuple[RouteTable, int, dict[str, str]]
        ] = {}

    def headers(
        self,
        table: RouteTable,
        grant: Grant,
        prefix: str,
        home_prefix: str,
        *,
        method: str,
        service: str,
    ) -> dict[str, str]:
        """Return the ``X-Dazzler-Context`` and ``-Signature`` headers for a ``method``
        request forwarded to board ``service`` under ``prefix``."""
        now = int(self._clock())
        key = (id(table), grant.mount_path, prefix, method, service)
        cached = self._cache.get(key)
        if cached is not None and cached[0] is table and cached[1] == now:
            return cached[2]
        context = tenant_context(table, grant, prefix, home_prefix)
        signed = sign_context(context, self._secret, method=method, service=service, now=now)
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[key] = (table, now, signed)
        return signed
