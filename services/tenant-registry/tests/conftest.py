"""Fixtures: a migrated PostgreSQL test database, per-test rollback, Redis key isolation,
and private Redis / PostgreSQL servers for the outage tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from dazzler_stack import free_port
from dazzler_stack.testing import scratch_database
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from registry import migrate as migrations
from registry.app import create_app
from registry.config import Settings
from registry.database import make_engine
from registry.runtime import Runtime
from registry.tokens import service as token_service
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

MACHINE_REDIS = "redis://127.0.0.1:6379/0"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def wait_until(check: Callable[[], bool], *, what: str, deadline: float = 20.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def _sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with scratch_database("dazzler_registry_test") as url:
        migrations.upgrade(_sqlalchemy_url(url))
        yield _sqlalchemy_url(url)


@pytest.fixture
def scratch_database_url() -> Iterator[str]:
    """A fresh, empty database, dropped afterwards."""
    with scratch_database("dazzler_registry_scratch") as url:
        yield _sqlalchemy_url(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """The test's connection; everything written on it is rolled back at the end."""
    conn = engine.connect()
    transaction = conn.begin()
    yield conn
    transaction.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    # SQLAlchemy's "joining a session into an external transaction" recipe: the app's
    # commits only release savepoints inside the test's transaction.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def cache_prefix() -> Iterator[str]:
    """A Redis key prefix of this test only; its keys are deleted afterwards."""
    prefix = f"dazzler:registry:test:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(MACHINE_REDIS)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def settings(database_url: str, cache_prefix: str) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=MACHINE_REDIS,
        cache_prefix=cache_prefix,
        redis_retry_seconds=0.2,
    )


def bind_app(app: FastAPI, factory: sessionmaker[Session]) -> FastAPI:
    runtime: Runtime = app.state.runtime
    runtime.session_factory = factory
    return app


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    return bind_app(create_app(settings), session_factory)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def token(session_factory: sessionmaker[Session]) -> str:
    with session_factory() as session:
        value = token_service.create(session=session, name=f"ops-{uuid.uuid4().hex[:8]}")
        session.commit()
    return value


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def metric(client: TestClient | httpx.Client, name: str) -> float:
    """The value of a counter or gauge (summed over labels) from /metrics."""
    text = client.get("/metrics").text
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in (name, f"{name}_total"):
                total += sample.value
    return total


@dataclass
class RedisServer:
    """A private redis-server on a free port, so it can be killed without harm."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, what="private redis-server")
        client.close()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    server = RedisServer(free_port())
    server.start()
    yield server
    server.kill()


@dataclass
class PostgresServer:
    """A throw-away PostgreSQL cluster in a temp dir, on a free port."""

    data_dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data_dir), "-A", "trust", "-U", "postgres",
            "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.data_dir / "server.log")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-o", options, "-l", log,
                  "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop")

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()


@pytest.fixture
def private_postgres() -> Iterator[PostgresServer]:
    root = Path(tempfile.mkdtemp(prefix="registry-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(root / "data", free_port())
    if os.geteuid() == 0:
        server.data_dir.mkdir(mode=0o700)
        shutil.chown(server.data_dir, "postgres", "postgres")
    server.init()
    server.start()
    yield server
    if server.running():
        server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def read_metric() -> Callable[[TestClient | httpx.Client, str], float]:
    return metric


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def new_tenant(client: TestClient, auth: dict[str, str]) -> Callable[..., str]:
    """Create a tenant through the admin API, optionally with boards; returns its slug."""

    def make(slug: str, *boards: str | tuple[str, str], **fields: object) -> str:
        response = client.post("/v1/admin/tenants", json={"slug": slug, **fields}, headers=auth)
        assert response.status_code == 201, response.text
        for board in boards:
            name, mount = board if isinstance(board, tuple) else (board, board)
            body = {"board": name, "mount_path": mount}
            granted = client.post(f"/v1/admin/tenants/{slug}/boards", json=body, headers=auth)
            assert granted.status_code == 201, granted.text
        return slug

    return make
