"""The roughnator as users reach it: the real gateway and tenant registry in front of the
board service, the simulator's QuantumLeap stand-in and generator behind it, all started
as processes by ``dazzler_stack.LocalStack`` (one stack per test module)."""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
from boardkit.testing import live_outputs, live_update_request
from dazzler_stack import LocalStack
from playwright.sync_api import Browser, Page, sync_playwright
from tenant_context import TenantContext, sign_context

PG_ADMIN = os.environ.get("DAZZLER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "dazzler_boards_test"
REDIS_URL = os.environ.get("DAZZLER_BOARDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
SERVICE = "board-roughnator"
BOARD = "roughnator"
ENTITY_TYPE = "RoughnessEstimate"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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

    def __init__(self, stack: LocalStack, tenants: dict[str, Tenant]) -> None:
        self.stack = stack
        self.tenants = tenants
        self.gateway = stack.url("gateway")
        self.direct = stack.url(SERVICE)
        self.ql = stack.url("sim", "ql")
        self.secret = stack.backing.shared_secret

    def page_url(self, tenant: str, board: str = BOARD) -> str:
        return f"{self.gateway}/dazzler/{self.tenants[tenant].slug}/-/{board}/"

    def update(
        self,
        tenant: str,
        selection: list[str] | None,
        *,
        poll: bool,
        cursor: Any,
        board: str = BOARD,
        **window: Any,
    ) -> dict[str, dict[str, Any]]:
        """The main callback through the gateway, as the tenant's browser sends it."""
        answer = httpx.post(
            self.page_url(tenant, board) + "_dash-update-component",
            json=live_update_request(
                board, selection=selection, poll=poll, cursor=cursor, **window
            ),
            timeout=15,
        )
        answer.raise_for_status()
        return live_outputs(answer.json() if answer.status_code == 200 else None)

    def signed(self, tenant: str, secret: str | None = None, **kwargs: Any) -> dict[str, str]:
        """Headers a gateway would add, made here for the board's own gate tests."""
        entry = self.tenants[tenant]
        context = TenantContext(
            tenant=entry.slug,
            display_name=entry.display_name,
            fiware_service=entry.fiware_service,
            timezone=entry.timezone,
            theme=entry.theme,  # type: ignore[arg-type]
            board=BOARD,
            public_prefix=f"/dazzler/{entry.slug}/-/{BOARD}/",
        )
        return sign_context(context, secret or self.secret, **kwargs)

    def ql_stats(self) -> dict[str, Any]:
        return dict(httpx.get(self.ql + "/__sim/stats").json())

    def reset_ql_stats(self) -> None:
        httpx.post(self.ql + "/__sim/stats/reset").raise_for_status()

    def ql_entities(self, tenant: str, entity_type: str = ENTITY_TYPE) -> list[str]:
        answer = httpx.get(
            self.ql + "/v2/entities",
            params={"type": entity_type},
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


def _database_url() -> str:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
        if found.fetchone() is None:
            # Another test process may create it at the same moment.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f"CREATE DATABASE {DATABASE}")
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{DATABASE}"


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


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardStack]:
    """sim + generator (1 s ticks), registry on PostgreSQL, the board and the gateway; two
    tenants created through the registry's admin API, each granted the board with a 1 s
    poll interval. Tenant slugs are unique per stack, so stacks never share data."""
    suffix = secrets.token_hex(3)
    tenants = {
        "acme": Tenant(f"acme_{suffix}", "ACME Milling", "Europe/Rome", "dark"),
        "globex": Tenant(f"globex_{suffix}", "Globex Works", "America/New_York", "light"),
    }
    work = tmp_path_factory.mktemp("stack")
    local = LocalStack(
        ["sim", "generator", "registry", SERVICE, "gateway"],
        database_url=_database_url(),
        redis_url=REDIS_URL,
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
            SERVICE: {"DAZZLER_BOARD_QL_TIMEOUT": "1", "DAZZLER_BOARD_LOG_LEVEL": "WARNING"},
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
                admin.post(
                    f"/tenants/{tenant.slug}/boards",
                    json={"board": BOARD, "settings": {"refresh_seconds": 1}},
                ).raise_for_status()
            board_stack = BoardStack(local, tenants)
            _wait_for_data(board_stack)
            try:
                yield board_stack
            finally:
                if not local.is_running("sim"):
                    board_stack.start_ql()
                for tenant in tenants.values():
                    admin.delete(f"/tenants/{tenant.slug}")
        local.run_command("registry", "tokens", "revoke", f"boards-{suffix}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    yield tab, problems
    context.close()
