"""Fixtures of the reliability suite: a two-tenant stack of real processes, private
backing servers for fault injection, and the recorder behind docs/reliability.md."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dazzler_stack import Layout, LocalStack, free_port
from reliability_kit import outcomes, processes, tenants
from reliability_kit.oidc import Issuer, gateway_env

RECORDER = pytest.StashKey[outcomes.Recorder]()
STACK_SERVICES = ["sim", "registry", "board-roughnator", "gateway"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    recorder = session.config.stash.get(RECORDER, None)
    if recorder is not None and recorder.outcomes:
        outcomes.write_report(recorder.merge_into())


@pytest.fixture(scope="session")
def recorder(pytestconfig: pytest.Config) -> outcomes.Recorder:
    """Rows for docs/reliability.md; a row stays 'did not hold' unless a test says so."""
    if RECORDER not in pytestconfig.stash:
        pytestconfig.stash[RECORDER] = outcomes.Recorder()
    return pytestconfig.stash[RECORDER]


def board_env(layout: Layout, **extra: str) -> dict[str, str]:
    """The board's data sources (named as boardkit reads them) plus ``extra``."""
    env = {
        "DAZZLER_BOARD_QL_URL": layout.url("sim", "ql"),
        "DAZZLER_BOARD_ORION_URL": layout.url("sim", "orion"),
        "DAZZLER_ROUGHNATOR_QL_URL": layout.url("sim", "ql"),
        "DAZZLER_ROUGHNATOR_ORION_URL": layout.url("sim", "orion"),
    }
    env.update(extra)
    return env


@dataclass(frozen=True, slots=True)
class TenantStack:
    """A running stack serving ACME and GLOBEX, with a second gateway in OIDC mode."""

    stack: LocalStack
    redis: processes.PrivateRedis
    issuer: Issuer
    oidc_gateway: str

    @property
    def gateway(self) -> str:
        return self.stack.url("gateway")

    @property
    def board(self) -> str:
        return self.stack.url("board-roughnator")

    @property
    def secret(self) -> str:
        return self.stack.backing.shared_secret


@pytest.fixture(scope="session")
def private_redis() -> Iterator[processes.PrivateRedis]:
    redis = processes.PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.close()


@pytest.fixture(scope="session")
def tenant_stack(private_redis: processes.PrivateRedis) -> Iterator[TenantStack]:
    """Sim, registry (machine PostgreSQL, fresh database), roughnator and two gateways."""
    name, url = processes.machine_database()
    layout = Layout.free()
    stack = LocalStack(
        STACK_SERVICES,
        database_url=url,
        redis_url=private_redis.url,
        layout=layout,
        env={
            "board-roughnator": board_env(layout),
            # test_bad_input.GATEWAY_HEADER_TIMEOUT: slow-header clients are cut off.
            "gateway": {"DAZZLER_GATEWAY_HEADER_TIMEOUT": "4"},
        },
    )
    issuer = Issuer.new("dazzler-test-key")
    try:
        stack.start()
        tenants.register(stack)
        asyncio.run(tenants.seed(stack.url("sim", "ql")))
        port = free_port()
        oidc_url = f"http://127.0.0.1:{port}"
        processes.start_service(
            stack,
            "gateway",
            key="gateway-oidc",
            env={
                "DAZZLER_GATEWAY_PORT": str(port),
                # Its own internal metrics port; the stack's gateway has the layout's.
                "DAZZLER_GATEWAY_METRICS_PORT": str(free_port()),
                **gateway_env(issuer),
            },
            probe=oidc_url + "/healthz",
        )
        yield TenantStack(stack, private_redis, issuer, oidc_url)
    finally:
        stack.stop()
        processes.drop_machine_database(name)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--outage-seconds",
        type=float,
        default=None,
        help="How long fault tests keep QuantumLeap away (default 3; the long run uses 60).",
    )


@pytest.fixture(scope="session")
def outage_seconds(pytestconfig: pytest.Config) -> float:
    try:
        value = pytestconfig.getoption("--outage-seconds")
    except ValueError:
        value = None
    return float(value) if value is not None else 3.0


@dataclass(frozen=True, slots=True)
class FaultStack:
    """A stack whose backing servers belong to the test: any of them may be stopped."""

    stack: LocalStack
    redis: processes.PrivateRedis
    postgres: processes.PrivatePostgres
    replica_port: int
    stale_limit: float
    cache_ttl: float

    @property
    def gateway(self) -> str:
        return self.stack.url("gateway")


FAULT_STALE_LIMIT = 6.0
FAULT_CACHE_TTL = 0.5


@pytest.fixture(scope="module")
def fault_stack() -> Iterator[FaultStack]:
    """Sim (rows in SQLite, so they survive a restart), registry on a private PostgreSQL,
    a private Redis, two roughnator replicas and a gateway with short cache settings."""
    redis = processes.PrivateRedis()
    postgres = processes.PrivatePostgres()
    layout = Layout.free()
    replica_port = free_port()
    upstreams = {
        "board-roughnator": [layout.url("board-roughnator"), f"http://127.0.0.1:{replica_port}"]
    }
    stack = LocalStack(
        STACK_SERVICES,
        database_url=postgres.url,
        redis_url=redis.url,
        layout=layout,
        env={
            "sim": {"DAZZLER_SIM_STORE": f"sqlite:{postgres.dir / 'ql.sqlite3'}"},
            "board-roughnator": board_env(
                layout, DAZZLER_BOARD_REFRESH_SECONDS="1", DAZZLER_BOARD_QL_TIMEOUT="1"
            ),
            "gateway": {
                "DAZZLER_GATEWAY_UPSTREAMS": json.dumps(upstreams),
                "DAZZLER_GATEWAY_CACHE_TTL": str(FAULT_CACHE_TTL),
                "DAZZLER_GATEWAY_STALE_LIMIT": str(FAULT_STALE_LIMIT),
                "DAZZLER_GATEWAY_REGISTRY_TIMEOUT": "0.5",
                "DAZZLER_GATEWAY_REPLICA_COOLDOWN": "2",
            },
        },
    )
    try:
        redis.start()
        postgres.init()
        postgres.start()
        stack.start()
        processes.start_service(
            stack,
            "board-roughnator",
            key="board-roughnator-2",
            env={"DAZZLER_ROUGHNATOR_PORT": str(replica_port)},
            probe=f"http://127.0.0.1:{replica_port}/healthz",
        )
        tenants.register(stack, (tenants.ACME,))
        asyncio.run(tenants.seed(stack.url("sim", "ql"), (tenants.ACME,)))
        yield FaultStack(stack, redis, postgres, replica_port, FAULT_STALE_LIMIT, FAULT_CACHE_TTL)
    finally:
        stack.stop()
        redis.close()
        postgres.close()
