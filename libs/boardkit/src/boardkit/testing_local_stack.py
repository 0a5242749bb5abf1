"""A board behind the real gateway and tenant registry, started by ``dazzler_stack.LocalStack``.

:func:`local_board_stack` creates two tenants and gives a :class:`BoardStack` with the
calls the tests make. ``dazzler_stack`` and ``psycopg`` are imported inside the functions
that use them.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from boardkit.testing import live_outputs, live_update_request

if TYPE_CHECKING:
    from dazzler_stack import LocalStack


from boardkit.testing_stack import PG_ADMIN


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
    """One running stack and what the tests do with it."""

    def __init__(
        self,
        stack: LocalStack,
        tenants: dict[str, Tenant],
        *,
        service: str,
        board: str,
        entity_type: str,
    ) -> None:
        self.stack = stack
        self.tenants = tenants
        self.board = board
        self.entity_type = entity_type
        self.gateway = stack.url("gateway")
        self.direct = stack.url(service)
        self.ql = stack.url("sim", "ql")
        self.secret = stack.backing.shared_secret

    def page_url(self, tenant: str, board: str | None = None) -> str:
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
        self, tenant: str, secret: str | None = None, board: str | None = None, **kwargs: Any
    ) -> dict[str, str]:
        """Headers a gateway would add, made here for the board's own gate tests."""
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
        return sign_context(context, secret or self.secret, **kwargs)

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


def shared_database(name: str, pg_admin: str = PG_ADMIN) -> str:
    """Database ``name``, created when missing (kept between runs); its URL."""
    import psycopg

    with psycopg.connect(pg_admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if found.fetchone() is None:
            # Another test process may create it at the same moment.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f"CREATE DATABASE {name}")
    return pg_admin.rsplit("/", 1)[0] + f"/{name}"


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
    raise RuntimeError("the generator wrote no data")


@contextlib.contextmanager
def local_board_stack(
    work: Path,
    *,
    service: str,
    board: str,
    entity_type: str,
    database: str,
    redis_url: str,
    boards: Sequence[str] | None = None,
    pg_admin: str = PG_ADMIN,
) -> Iterator[BoardStack]:
    """sim + generator (1 s ticks), registry on PostgreSQL, ``service`` and the gateway; two
    tenants created through the registry's admin API, each granted ``boards`` (default:
    ``board``) with a 1 s poll interval. Tenant slugs are unique per stack, so stacks never
    share data."""
    from dazzler_stack import LocalStack

    suffix = secrets.token_hex(3)
    tenants = {
        "acme": Tenant(f"acme_{suffix}", "ACME Milling", "Europe/Rome", "dark"),
        "globex": Tenant(f"globex_{suffix}", "Globex Works", "America/New_York", "light"),
    }
    local = LocalStack(
        ["sim", "generator", "registry", service, "gateway"],
        database_url=shared_database(database, pg_admin),
        redis_url=redis_url,
        log_dir=work / "logs",
        env={
            "sim": {"DAZZLER_SIM_STORE": f"sqlite:{work / 'ql.sqlite'}"},
            "generator": {
                "DAZZLER_SIM_TENANTS": ",".join(t.fiware_service for t in tenants.values()),
                "DAZZLER_SIM_INTERVAL": "1",
                "DAZZLER_SIM_LOG_LEVEL": "warning",
            },
            "registry": {
                "DAZZLER_REGISTRY_CACHE_PREFIX": f"dazzler:boardstest:{suffix}:",
                "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
            },
            service: {"DAZZLER_BOARD_QL_TIMEOUT": "1", "DAZZLER_BOARD_LOG_LEVEL": "WARNING"},
            "gateway": {"DAZZLER_GATEWAY_LOG_LEVEL": "warning"},
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
                for granted in boards or (board,):
                    admin.post(
                        f"/tenants/{tenant.slug}/boards",
                        json={"board": granted, "settings": {"refresh_seconds": 1}},
                    ).raise_for_status()
            board_stack = BoardStack(
                local, tenants, service=service, board=board, entity_type=entity_type
            )
            _wait_for_data(board_stack)
            try:
                yield board_stack
            finally:
                if not local.is_running("sim"):
                    board_stack.start_ql()
                for tenant in tenants.values():
                    admin.delete(f"/tenants/{tenant.slug}")
        local.run_command("registry", "tokens", "revoke", f"boards-{suffix}")


__all__ = [
    "BoardStack",
    "Tenant",
    "local_board_stack",
    "shared_database",
]
