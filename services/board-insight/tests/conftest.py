from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest


@dataclass
class Series:
    """Stands where ngsi's EntitySeries stands: a time index and aligned columns."""

    index: Sequence[datetime]
    attributes: Mapping[str, Sequence[Any]] = field(default_factory=dict)


@pytest.fixture
def series() -> type[Series]:
    return Series


# --- Real processes: the QL/Orion stand-in, the generator, registry, gateway, board -------


SECRET = "insight-tests-shared-secret-0123456789abcdef"
REDIS_URL = os.environ.get("DAZZLER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_ADMIN = os.environ.get("DAZZLER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_DB = "dazzler_insight_test"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
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


def _start(name: str, args: list[str], env: dict[str, str], tmp: Path, ready: str | None) -> Proc:
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

    def board_url(self, mount: str = "insight") -> str:
        return f"{self.gateway}/dazzler/{self.tenant}/-/{mount}/"


def _registry_env(database: str, port: int) -> dict[str, str]:
    return {
        "DAZZLER_REGISTRY_DATABASE_URL": database,
        "DAZZLER_REGISTRY_REDIS_URL": REDIS_URL,
        "DAZZLER_REGISTRY_CACHE_PREFIX": f"dazzler:insighttest:{uuid.uuid4().hex[:8]}:",
        "DAZZLER_REGISTRY_HOST": "127.0.0.1",
        "DAZZLER_REGISTRY_PORT": str(port),
        "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
    }


def _admin_token(database: str) -> str:
    env = {**os.environ, "DAZZLER_REGISTRY_DATABASE_URL": database}
    subprocess.run(
        [sys.executable, "-m", "registry", "migrate"], env=env, check=True, capture_output=True
    )
    done = subprocess.run(
        [sys.executable, "-m", "registry", "tokens", "create", f"insight-{uuid.uuid4().hex[:8]}"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1].strip()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Stand-in QL/Orion fed by the generator every second, the registry on PostgreSQL
    with a tenant in Europe/Rome granted the board, the board and the gateway."""
    tmp = tmp_path_factory.mktemp("insight-stack")
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {TEST_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {TEST_DB}")
    database = PG_ADMIN.rsplit("/", 1)[0] + f"/{TEST_DB}"
    tenant = f"insight_{uuid.uuid4().hex[:8]}"
    procs: list[Proc] = []
    try:
        ql_port, orion_port = _free_port(), _free_port()
        ql, orion = f"http://127.0.0.1:{ql_port}", f"http://127.0.0.1:{orion_port}"
        procs.append(
            _start(
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
            _start(
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
        token = _admin_token(database)
        registry_port = _free_port()
        procs.append(
            _start(
                "registry",
                ["-m", "registry", "serve"],
                _registry_env(database, registry_port),
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
            made = admin.post(
                "/tenants",
                json={"slug": tenant, "display_name": "Insight Test", "timezone": "Europe/Rome"},
            )
            assert made.status_code < 300, made.text
            for slug in ("insight", "insight-preview"):
                granted = admin.post(
                    f"/tenants/{tenant}/boards",
                    json={"board": slug, "settings": {"refresh_seconds": 1}},
                )
                assert granted.status_code < 300, granted.text
        board_port = _free_port()
        board = f"http://127.0.0.1:{board_port}"
        procs.append(
            _start(
                "board-insight",
                ["-m", "board_insight"],
                {
                    "DAZZLER_SHARED_SECRET": SECRET,
                    "DAZZLER_INSIGHT_HOST": "127.0.0.1",
                    "DAZZLER_INSIGHT_PORT": str(board_port),
                    "DAZZLER_INSIGHT_QL_URL": ql,
                    "DAZZLER_INSIGHT_ORION_URL": orion,
                    "DAZZLER_INSIGHT_REDIS_URL": REDIS_URL,
                },
                tmp,
                f"{board}/healthz",
            )
        )
        gateway_port = _free_port()
        procs.append(
            _start(
                "gateway",
                ["-m", "gateway"],
                {
                    "DAZZLER_SHARED_SECRET": SECRET,
                    "DAZZLER_GATEWAY_HOST": "127.0.0.1",
                    "DAZZLER_GATEWAY_PORT": str(gateway_port),
                    "DAZZLER_GATEWAY_REGISTRY_URL": registry,
                    "DAZZLER_GATEWAY_REDIS_URL": REDIS_URL,
                    "DAZZLER_GATEWAY_UPSTREAMS": json.dumps({"board-insight": [board]}),
                    "DAZZLER_GATEWAY_LOG_LEVEL": "warning",
                },
                tmp,
                f"http://127.0.0.1:{gateway_port}/healthz",
            )
        )
        yield Stack(tenant, f"http://127.0.0.1:{gateway_port}", board, ql, procs)
    finally:
        for proc in reversed(procs):
            proc.stop()


# Module scope: one Playwright driver at a time in the thread, also when several members'
# browser tests run in one session.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console messages and page errors in ``page.problems``."""
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
