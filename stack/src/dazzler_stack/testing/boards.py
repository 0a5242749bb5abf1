"""A board behind the real gateway and tenant registry, started by
:class:`~dazzler_stack.LocalStack`.

:func:`board_stack` creates two tenants through the registry's admin API and gives a
:class:`BoardStack` with the calls the tests make.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from dazzler_stack.local import LocalStack
from dazzler_stack.testing.callbacks import live_outputs, live_update_request
from dazzler_stack.testing.databases import PG_ADMIN, scratch_database
from dazzler_stack.wiring import Layout


@dataclass(frozen=True)
class Tenant:
    slug: str
    display_name: str
    timezone: str
    theme: str

    @property
    def fiware_service(self) -> str:
        return self.slug.lower()


class BoardStack:
    """One running stack and what the tests do with it.

    ``gateway`` is where users come in, ``direct`` the board service itself (which refuses
    requests without a gateway's signed context), ``ql`` the QuantumLeap stand-in.
    """

    def __init__(
        self,
        stack: LocalStack,
        tenants: dict[str, Tenant],
        *,
        service: str,
        board: str,
        entity_type: str | None,
    ) -> None:
        self.stack = stack
        self.tenants = tenants
        self.board = board
        self.entity_type = entity_type
        self.gateway = stack.url("gateway")
        self.direct = stack.url(service)
        self.ql = stack.url("sim", "ql")
        self.secret = stack.backing.shared_secret

    def page_url(self, tenant: str = "acme", board: str | None = None) -> str:
        """The board's page through the gateway, as ``tenant``'s users open it."""
        return f"{self.gateway}/dazzler/{self.tenants[tenant].slug}/-/{board or self.board}/"

    def update(
        self,
        tenant: str,
        selection: list[str] | None,
        *,
        poll: bool,
        cursor: Any,
        board: str | None = None,
        **window: Any,
    ) -> dict[str, dict[str, Any]]:
        """The main callback through the gateway, as the tenant's browser sends it."""
        board = board or self.board
        answer = httpx.post(
            self.page_url(tenant, board) + "_dash-update-component",
            json=live_update_request(
                board, selection=selection, poll=poll, cursor=cursor, **window
            ),
            timeout=15,
        )
        answer.raise_for_status()
        return live_outputs(answer.json() if answer.status_code == 200 else None)

    def signed(
        self,
        tenant: str,
        secret: str | None = None,
        board: str | None = None,
        method: str = "GET",
        **kwargs: Any,
    ) -> dict[str, str]:
        """Headers a gateway would add to a ``method`` request, made here for the board's
        own gate tests."""
        from tenant_context import TenantContext, sign_context

        entry = self.tenants[tenant]
        board = board or self.board
        context = TenantContext(
            tenant=entry.slug,
            display_name=entry.display_name,
            fiware_service=entry.fiware_service,
            timezone=entry.timezone,
            theme=entry.theme,
            board=board,
            public_prefix=f"/dazzler/{entry.slug}/-/{board}/",
        )
        headers: dict[str, str] = sign_context(
            context, secret or self.secret, method=method, **kwargs
        )
        return headers

    def ql_stats(self) -> dict[str, Any]:
        return dict(httpx.get(self.ql + "/__sim/stats").json())

    def reset_ql_stats(self) -> None:
        httpx.post(self.ql + "/__sim/stats/reset").raise_for_status()

    def ql_entities(self, tenant: str, entity_type: str | None = None) -> list[str]:
        answer = httpx.get(
            self.ql + "/v2/entities",
            params={"type": entity_type or self.entity_type},
            headers={"Fiware-Service": self.tenants[tenant].fiware_service},
        )
        return (
            [e.get("entityId") or e.get("id") for e in answer.json()] if answer.is_success else []
        )

    def stop_ql(self) -> None:
        """Stop the QL/Orion stand-in (its rows are kept in its SQLite store)."""
        self.stack.stop_service("sim")

    def start_ql(self) -> None:
        """Start the stand-in again on the same ports and store."""
        self.stack.start_service("sim", timeout=30)


def _admin(stack: LocalStack, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=stack.url("registry") + "/v1/admin",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def _wait_for_data(board_stack: BoardStack, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(len(board_stack.ql_entities(t)) >= 2 for t in board_stack.tenants):
            # A few ticks of history on top of the first one.
            time.sleep(2.5)
            return
        time.sleep(0.3)
    raise RuntimeError(f"the generator wrote no {board_stack.entity_type} entities in {timeout} s")


@contextlib.contextmanager
def board_stack(
    work: Path,
    *,
    service: str,
    board: str,
    redis_url: str,
    entity_type: str | None = None,
    grants: Sequence[Mapping[str, Any]] | None = None,
    with_data: bool = True,
    display_name: str = "ACME Milling",
    pg_admin: str = PG_ADMIN,
    sim_mode: str = "ql",
) -> Iterator[BoardStack]:
    """The registry on a fresh PostgreSQL database, ``service`` and the gateway, logging to
    ``work/logs``, and the simulator's QL/Orion stand-in; with ``with_data`` the generator
    feeds it every second (otherwise it holds no entities), in ``sim_mode`` (``"ql"``:
    straight to QL; ``"orion"``: through Orion, whose subscription forwards to QL).

    Two tenants, ``"acme"`` (``display_name``, Europe/Rome, dark) and ``"globex"``
    (America/New_York, light), are created through the registry's admin API, each granted
    every one of ``grants`` (bodies of the admin API's grant call; default: ``board`` with
    a 1 s poll interval).
    Tenant slugs are unique per stack, so stacks never share data. With ``entity_type``,
    the block starts once both tenants have two entities of that type with some history.
    """
    suffix = secrets.token_hex(3)
    tenants = {
        "acme": Tenant(f"acme_{suffix}", display_name, "Europe/Rome", "dark"),
        "globex": Tenant(f"globex_{suffix}", "Globex Works", "America/New_York", "light"),
    }
    # A board is ready only once its QuantumLeap answers, so the stand-in always runs.
    services = ["sim", "registry", service, "gateway"]
    if with_data:
        services.append("generator")
    layout = Layout.free()
    with scratch_database("dazzler_boards_test", pg_admin=pg_admin) as database_url:
        local = LocalStack(
            services,
            database_url=database_url,
            redis_url=redis_url,
            layout=layout,
            log_dir=work / "logs",
            env={
                "sim": {"DAZZLER_SIM_STORE": f"sqlite:{work / 'ql.sqlite'}"},
                "generator": {
                    "DAZZLER_SIM_TENANTS": ",".join(t.fiware_service for t in tenants.values()),
                    "DAZZLER_SIM_INTERVAL": "1",
                    "DAZZLER_SIM_LOG_LEVEL": "warning",
                    "DAZZLER_SIM_MODE": sim_mode,
                },
                "registry": {
                    "DAZZLER_REGISTRY_CACHE_PREFIX": f"dazzler:boardstest:{suffix}:",
                    "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
                },
                service: {"DAZZLER_BOARD_QL_TIMEOUT": "1", "DAZZLER_BOARD_LOG_LEVEL": "WARNING"},
                "gateway": {
                    "DAZZLER_GATEWAY_LOG_LEVEL": "warning",
                    # Only the board under test: shared assets and health never wait on
                    # boards this stack does not run.
                    "DAZZLER_GATEWAY_UPSTREAMS": json.dumps({service: [layout.url(service)]}),
                },
            },
        )
        with local:
            token = local.run_command("registry", "tokens", "create", f"boards-{suffix}")
            with _admin(local, token.strip().splitlines()[-1].strip()) as admin:
                for tenant in tenants.values():
                    admin.post(
                        "/tenants",
                        json={
                            "slug": tenant.slug,
                            "display_name": tenant.display_name,
                            "timezone": tenant.timezone,
                            "theme": tenant.theme,
                        },
                    ).raise_for_status()
                    default = ({"board": board, "settings": {"refresh_seconds": 1}},)
                    for grant in default if grants is None else grants:
                        admin.post(
                            f"/tenants/{tenant.slug}/boards", json=dict(grant)
                        ).raise_for_status()
                running = BoardStack(
                    local, tenants, service=service, board=board, entity_type=entity_type
                )
                if with_data and entity_type is not None:
                    _wait_for_data(running)
                try:
                    yield running
                finally:
                    if not local.is_running("sim"):
                        running.start_ql()
