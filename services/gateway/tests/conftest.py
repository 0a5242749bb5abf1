"""Real processes for the gateway's tests: registry, echo boards and the gateway itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from dazzler_stack import free_port
from dazzler_stack.testing import scratch_database

SECRET = "gateway-tests-shared-secret-0123456789"
SUPPORT = Path(__file__).parent / "support"
REDIS_URL = os.environ.get("DAZZLER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Service:
    """A process started for a test, listening on 127.0.0.1:port."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_service(
    name: str,
    args: list[str],
    env: dict[str, str],
    port: int,
    tmp: Path,
    health: str = "/healthz",
    timeout: float = 90.0,
) -> Service:
    log = tmp / f"{name}-{port}.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, *args],
        env={**os.environ, **env},
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    handle.close()
    service = Service(name, port, process, log, env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{service.output()}")
        try:
            if httpx.get(service.url + health, timeout=1).status_code == 200:
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    service.kill()
    raise RuntimeError(f"{name} not ready in {timeout} s:\n{service.output()}")


@pytest.fixture(scope="session")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Service]]:
    started: list[Service] = []
    yield started
    for service in reversed(started):
        service.stop()


@pytest.fixture(scope="session")
def start_echo(
    processes: list[Service], tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Service]:
    tmp = tmp_path_factory.mktemp("echo")

    def start(name: str = "echo", port: int | None = None) -> Service:
        port = port or free_port()
        args = ["-m", "uvicorn", "echo_upstream:app", "--app-dir", str(SUPPORT)]
        args += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        env = {"ECHO_NAME": name, "DAZZLER_SHARED_SECRET": SECRET}
        service = start_service(name, args, env, port, tmp)
        processes.append(service)
        return service

    return start


@pytest.fixture(scope="session")
def registry_database() -> Iterator[str]:
    with scratch_database("dazzler_gateway_test") as url:
        yield url


@pytest.fixture(scope="session")
def start_registry(
    processes: list[Service], registry_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Service]:
    tmp = tmp_path_factory.mktemp("registry")
    prefix = f"dazzler:gwtest:{uuid.uuid4().hex[:8]}:"

    def start(port: int | None = None) -> Service:
        port = port or free_port()
        env = {
            "DAZZLER_REGISTRY_DATABASE_URL": registry_database,
            "DAZZLER_REGISTRY_REDIS_URL": REDIS_URL,
            "DAZZLER_REGISTRY_CACHE_PREFIX": prefix,
            "DAZZLER_REGISTRY_HOST": "127.0.0.1",
            "DAZZLER_REGISTRY_PORT": str(port),
            "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
        }
        service = start_service("registry", ["-m", "registry", "serve"], env, port, tmp)
        processes.append(service)
        return service

    return start


@pytest.fixture(scope="session")
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def start_sqlite_registry(
    processes: list[Service], tmp_path: Path
) -> Callable[[], tuple[Service, dict[str, str]]]:
    """A registry on a SQLite file and no Redis, as `make run` has it; also returns the
    environment that points the CLI at the same database."""

    def start() -> tuple[Service, dict[str, str]]:
        port = free_port()
        env = {
            "DAZZLER_REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}",
            "DAZZLER_REGISTRY_REDIS_URL": "",
            "REDIS_URL": "",
            "DAZZLER_REGISTRY_HOST": "127.0.0.1",
            "DAZZLER_REGISTRY_PORT": str(port),
            "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
        }
        service = start_service("registry-sqlite", ["-m", "registry", "serve"], env, port, tmp_path)
        processes.append(service)
        return service, env

    return start


class Admin:
    """Seeds the registry through its admin API."""

    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(
            base_url=base_url + "/v1/admin",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )

    def _ok(self, response: httpx.Response) -> Any:
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def add_tenant(self, slug: str, **fields: Any) -> Any:
        return self._ok(self.http.post("/tenants", json={"slug": slug, **fields}))

    def grant(self, tenant: str, board: str, mount: str | None = None, **fields: Any) -> Any:
        body: dict[str, Any] = {"board": board, **fields}
        if mount is not None:
            body["mount_path"] = mount
        return self._ok(self.http.post(f"/tenants/{tenant}/boards", json=body))

    def revoke(self, tenant: str, board: str) -> None:
        self._ok(self.http.delete(f"/tenants/{tenant}/boards/{board}"))

    def disable(self, tenant: str) -> None:
        self._ok(self.http.post(f"/tenants/{tenant}/disable"))


@pytest.fixture(scope="session")
def admin_token(registry_database: str) -> str:
    env = {**os.environ, "DAZZLER_REGISTRY_DATABASE_URL": registry_database}
    subprocess.run(
        [sys.executable, "-m", "registry", "migrate"], env=env, check=True, capture_output=True
    )
    done = subprocess.run(
        [sys.executable, "-m", "registry", "tokens", "create", f"gw-{uuid.uuid4().hex[:8]}"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1].strip()


@pytest.fixture(scope="session")
def make_admin(admin_token: str) -> Iterator[Callable[[Service], Admin]]:
    made: list[Admin] = []

    def make(registry: Service) -> Admin:
        made.append(Admin(registry.url, admin_token))
        return made[-1]

    yield make
    for admin in made:
        admin.http.close()


@pytest.fixture(scope="session")
def start_gateway(
    processes: list[Service], tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Service]:
    tmp = tmp_path_factory.mktemp("gateway")

    def start(registry_url: str, upstreams: str, **settings: str) -> Service:
        port = free_port()
        env = {
            "DAZZLER_SHARED_SECRET": SECRET,
            "DAZZLER_GATEWAY_HOST": "127.0.0.1",
            "DAZZLER_GATEWAY_PORT": str(port),
            "DAZZLER_GATEWAY_REGISTRY_URL": registry_url,
            "DAZZLER_GATEWAY_UPSTREAMS": upstreams,
            "DAZZLER_GATEWAY_LOG_LEVEL": "warning",
            "DAZZLER_GATEWAY_ALLOW_ANONYMOUS": "true",
            "DAZZLER_GATEWAY_METRICS_PORT": str(free_port()),
        }
        env.update({f"DAZZLER_GATEWAY_{k.upper()}": v for k, v in settings.items()})
        service = start_service("gateway", ["-m", "gateway"], env, port, tmp)
        processes.append(service)
        return service

    return start


@pytest.fixture
def new_tenant_name() -> Callable[[], str]:
    return lambda: f"t_{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def shared_secret() -> str:
    return SECRET


@dataclass
class Stack:
    """A registry, echo boards and a gateway wired together for one test module."""

    registry: Service
    gateway: Service
    admin: Admin
    boards: dict[str, list[Service]]
    http: httpx.Client

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(self.gateway.url + path, **kwargs)

    def metrics(self) -> str:
        """The gateway's metrics, from its internal listener."""
        port = self.gateway.env["DAZZLER_GATEWAY_METRICS_PORT"]
        return self.http.get(f"http://127.0.0.1:{port}/metrics").text


@pytest.fixture(scope="module")
def make_stack(
    start_registry: Callable[..., Service],
    start_echo: Callable[..., Service],
    start_gateway: Callable[..., Service],
    make_admin: Callable[[Service], Admin],
) -> Iterator[Callable[..., Stack]]:
    clients: list[httpx.Client] = []

    def make(replicas: dict[str, int], **settings: str) -> Stack:
        registry = start_registry()
        boards = {
            service: [start_echo(f"{service}-{i}") for i in range(count)]
            for service, count in replicas.items()
        }
        upstreams = json.dumps({s: [e.url for e in echoes] for s, echoes in boards.items()})
        gateway = start_gateway(registry.url, upstreams, **settings)
        http = httpx.Client(timeout=15, follow_redirects=False)
        clients.append(http)
        return Stack(registry, gateway, make_admin(registry), boards, http)

    yield make
    for client in clients:
        client.close()


@dataclass
class DashStack:
    """A registry and a gateway in front of one real Dash board process."""

    registry: Service
    gateway: Service
    board: Service
    admin: Admin


@pytest.fixture(scope="module")
def dash_stack(
    processes: list[Service],
    start_registry: Callable[..., Service],
    start_gateway: Callable[..., Service],
    make_admin: Callable[[Service], Admin],
    tmp_path_factory: pytest.TempPathFactory,
) -> DashStack:
    """The transport tests' stack: every board service is the same Dash app."""
    port = free_port()
    args = ["-m", "uvicorn", "dash_board:server", "--app-dir", str(SUPPORT)]
    args += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    board = start_service(
        "dash-board", args, {}, port, tmp_path_factory.mktemp("dash"), health="/_dash-layout"
    )
    processes.append(board)
    registry = start_registry()
    upstreams = json.dumps({"board-roughnator": [board.url], "board-demo": [board.url]})
    gateway = start_gateway(
        registry.url,
        upstreams,
        allow_anonymous="true",
        metrics_port="0",
        cache_ttl="1",
        registry_timeout="10",
    )
    return DashStack(registry, gateway, board, make_admin(registry))
