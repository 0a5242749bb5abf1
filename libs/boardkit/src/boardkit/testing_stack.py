"""Fixture machinery for the boards' integration tests: a board behind the real gateway and
tenant registry, on PostgreSQL and Redis, and Playwright's Chromium to drive it.

Two ways to start a stack:

* :func:`process_stack` starts each process itself (the simulator and generator when the
  board reads data, the registry, the board and the gateway) and grants one tenant the
  board's mounts;
* :func:`local_board_stack` starts them with ``dazzler_stack.LocalStack`` and creates two
  tenants, giving a :class:`BoardStack` with the calls the tests make.

``psycopg``, ``dazzler_stack``, ``tenant_context`` and ``playwright`` are imported inside the
functions that use them, so importing this module needs none of them.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from boardkit.testing import live_outputs, live_update_request

if TYPE_CHECKING:
    from dazzler_stack import LocalStack

PG_ADMIN = os.environ.get("DAZZLER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --- Processes started one by one --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_process(
    name: str, args: list[str], env: dict[str, str], tmp: Path, ready: str | None
) -> Proc:
    """Run ``python *args`` with ``env`` added, logging to ``tmp/<name>.log``; when ``ready``
    is a URL, wait (30 s at most) until it answers 200."""
    log = tmp / f"{name}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, *args],
            env={**os.environ, **env},
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    proc = Proc(name, ready.rsplit("/", 1)[0] if ready else "", process, log)
    if ready is None:
        return proc
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(ready, timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.stop()
    raise RuntimeError(f"{name} not ready:\n{log.read_text(errors='replace')}")


@dataclass
class Stack:
    """Everything a user's request goes through, on free ports of 127.0.0.1."""

    tenant: str
    gateway: str
    board: str
    ql: str
    procs: list[Proc]
    mount: str = ""

    def board_url(self, mount: str | None = None) -> str:
        return f"{self.gateway}/dazzler/{self.tenant}/-/{self.mount if mount is None else mount}/"


def registry_env(database: str, port: int, *, redis_url: str, cache_prefix: str) -> dict[str, str]:
    return {
        "DAZZLER_REGISTRY_DATABASE_URL": database,
        "DAZZLER_REGISTRY_REDIS_URL": redis_url,
        "DAZZLER_REGISTRY_CACHE_PREFIX": cache_prefix,
        "DAZZLER_REGISTRY_HOST": "127.0.0.1",
        "DAZZLER_REGISTRY_PORT": str(port),
        "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
    }


def admin_token(database: str, name: str) -> str:
    """Migrate the registry's database and create an admin token called ``name``."""
    env = {**os.environ, "DAZZLER_REGISTRY_DATABASE_URL": database}
    subprocess.run(
        [sys.executable, "-m", "registry", "migrate"], env=env, check=True, capture_output=True
    )
    done = subprocess.run(
        [sys.executable, "-m", "registry", "tokens", "create", name],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1].strip()


def fresh_database(name: str, pg_admin: str = PG_ADMIN) -> str:
    """Drop and create database ``name``; its URL."""
    import psycopg

    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return pg_admin.rsplit("/", 1)[0] + f"/{name}"


def _check(answer: httpx.Response) -> None:
    if answer.status_code >= 300:
        raise AssertionError(answer.text)


@contextlib.contextmanager
def process_stack(
    name: str,
    tmp: Path,
    *,
    database: str,
    secret: str,
    redis_url: str,
    display_name: str,
    grants: Sequence[Mapping[str, Any]],
    with_data: bool = True,
    pg_admin: str = PG_ADMIN,
) -> Iterator[Stack]:
    """Board ``board-<name>`` (module ``board_<name>``, settings ``DAZZLER_<NAME>_*``) behind
    the gateway, with the registry on a fresh PostgreSQL ``database`` holding one tenant in
    Europe/Rome that is granted each of ``grants`` (bodies of the admin API's grant call).

    With ``with_data`` the simulator's QL/Orion stand-in runs, fed by the generator every
    second; otherwise nothing listens on the QL/Orion URLs the board is given."""
    database_url = fresh_database(database, pg_admin)
    tenant = f"{name}_{uuid.uuid4().hex[:8]}"
    procs: list[Proc] = []
    try:
        if with_data:
            ql_port, orion_port = free_port(), free_port()
            ql, orion = f"http://127.0.0.1:{ql_port}", f"http://127.0.0.1:{orion_port}"
            procs.append(
                start_process(
                    "sim",
                    [
                        *("-m", "sim", "serve", "--host", "127.0.0.1"),
                        *("--ql-port", str(ql_port), "--orion-port", str(orion_port)),
                    ],
                    {},
                    tmp,
                    f"{ql}/version",
                )
            )
            procs.append(
                start_process(
                    "generator",
                    [
                        *("-m", "sim", "generate", "--ql-url", ql, "--orion-url", orion),
                        *("--tenants", tenant, "--interval", "1"),
                    ],
                    {},
                    tmp,
                    None,
                )
            )
        else:
            ql, orion = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
        token = admin_token(database_url, f"{name}-{uuid.uuid4().hex[:8]}")
        registry_port = free_port()
        procs.append(
            start_process(
                "registry",
                ["-m", "registry", "serve"],
                registry_env(
                    database_url,
                    registry_port,
                    redis_url=redis_url,
                    cache_prefix=f"dazzler:{name}test:{uuid.uuid4().hex[:8]}:",
                ),
                tmp,
                f"http://127.0.0.1:{registry_port}/healthz",
            )
        )
        registry = f"http://127.0.0.1:{registry_port}"
        with httpx.Client(
            base_url=registry + "/v1/admin",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ) as admin:
            _check(
                admin.post(
                    "/tenants",
                    json={"slug": tenant, "display_name": display_name, "timezone": "Europe/Rome"},
                )
            )
            for grant in grants:
                _check(admin.post(f"/tenants/{tenant}/boards", json=dict(grant)))
        board_port = free_port()
        board = f"http://127.0.0.1:{board_port}"
        prefix = f"DAZZLER_{name.upper()}"
        procs.append(
            start_process(
                f"board-{name}",
                ["-m", f"board_{name}"],
                {
                    "DAZZLER_SHARED_SECRET": secret,
                    f"{prefix}_HOST": "127.0.0.1",
                    f"{prefix}_PORT": str(board_port),
                    f"{prefix}_QL_URL": ql,
                    f"{prefix}_ORION_URL": orion,
                    f"{prefix}_REDIS_URL": redis_url,
                },
                tmp,
                f"{board}/healthz",
            )
        )
        gateway_port = free_port()
        procs.append(
            start_process(
                "gateway",
                ["-m", "gateway"],
                {
                    "DAZZLER_SHARED_SECRET": secret,
                    "DAZZLER_GATEWAY_HOST": "127.0.0.1",
                    "DAZZLER_GATEWAY_PORT": str(gateway_port),
                    "DAZZLER_GATEWAY_REGISTRY_URL": registry,
                    "DAZZLER_GATEWAY_REDIS_URL": redis_url,
                    "DAZZLER_GATEWAY_UPSTREAMS": json.dumps({f"board-{name}": [board]}),
                    "DAZZLER_GATEWAY_LOG_LEVEL": "warning",
                },
                tmp,
                f"http://127.0.0.1:{gateway_port}/healthz",
            )
        )
        yield Stack(tenant, f"http://127.0.0.1:{gateway_port}", board, ql, procs, mount=name)
    finally:
        for proc in reversed(procs):
            proc.stop()


# --- Processes started by dazzler_stack.LocalStack ---------------------------------------


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


# --- Browser -----------------------------------------------------------------------------


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Playwright's Chromium, headless, for as long as the block runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextlib.contextmanager
def recording_page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console errors/warnings and page errors in
    ``page.problems``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    problems: list[str] = []
    tab.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    tab.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    tab.problems = problems
    yield tab
    context.close()


@contextlib.contextmanager
def page_with_errors(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A fresh page (downloads accepted) and the list its console errors and page errors
    are added to."""
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    yield tab, problems
    context.close()


__all__ = [
    "CHROMIUM_ARGS",
    "PG_ADMIN",
    "BoardStack",
    "Proc",
    "Stack",
    "Tenant",
    "admin_token",
    "chromium",
    "free_port",
    "fresh_database",
    "local_board_stack",
    "page_with_errors",
    "process_stack",
    "recording_page",
    "registry_env",
    "shared_database",
    "start_process",
]
