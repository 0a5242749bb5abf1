"""A tenant disabled or a board revoked through the registry CLI (another process) stops
being served within 2 s: on SQLite with no Redis (as under `make run`), and on PostgreSQL
with Redis. The caches are long-lived here, so only the change paths can explain it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

REVOCATION_SECONDS = 2.0


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "registry", *args],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


def _status_within(url: str, expected: int, seconds: float) -> tuple[int, float]:
    started = time.monotonic()
    while True:
        status = httpx.get(url, timeout=5).status_code
        elapsed = time.monotonic() - started
        if status == expected or elapsed > seconds:
            return status, elapsed
        time.sleep(0.05)


def _revocations(
    registry_env: dict[str, str],
    gateway: Any,
    tenant: str,
) -> None:
    _cli(registry_env, "tenants", "add", tenant)
    _cli(registry_env, "boards", "grant", tenant, "demo", "--mount", "demo")
    _cli(registry_env, "boards", "grant", tenant, "fams")
    board = f"{gateway.url}/dazzler/{tenant}/-/demo/"
    other = f"{gateway.url}/dazzler/{tenant}/-/fams/"
    assert _status_within(board, 200, 5.0)[0] == 200
    assert httpx.get(other).status_code == 200

    _cli(registry_env, "boards", "revoke", tenant, "demo")
    status, elapsed = _status_within(board, 404, REVOCATION_SECONDS)
    assert status == 404, f"revoked board still served after {elapsed:.1f} s"
    assert httpx.get(other).status_code == 200

    _cli(registry_env, "tenants", "disable", tenant)
    status, elapsed = _status_within(other, 404, REVOCATION_SECONDS)
    assert status == 404, f"disabled tenant still served after {elapsed:.1f} s"


def test_cli_revocation_without_redis_on_sqlite(
    start_sqlite_registry: Callable[[], tuple[Any, dict[str, str]]],
    start_echo: Callable[..., Any],
    start_gateway: Callable[..., Any],
    new_tenant_name: Callable[[], str],
) -> None:
    registry, env = start_sqlite_registry()
    echo = start_echo("sqlite-echo")
    upstreams = json.dumps({"board-demo": [echo.url], "board-fams": [echo.url]})
    gateway = start_gateway(registry.url, upstreams, cache_ttl="300", redis_url="")

    _revocations(env, gateway, new_tenant_name())


def test_cli_revocation_with_postgres_and_redis(
    make_stack: Callable[..., Any],
    registry_database: str,
    redis_url: str,
    new_tenant_name: Callable[[], str],
) -> None:
    stack = make_stack(
        {"board-demo": 1, "board-fams": 1},
        cache_ttl="300",
        redis_url=redis_url,
        # Slower than the revocation bound: the Redis notice must do it.
        change_poll_interval="30",
    )
    env = {
        "DAZZLER_REGISTRY_DATABASE_URL": registry_database,
        "DAZZLER_REGISTRY_REDIS_URL": redis_url,
        "DAZZLER_REGISTRY_CACHE_PREFIX": stack.registry.env["DAZZLER_REGISTRY_CACHE_PREFIX"],
    }

    _revocations(env, stack.gateway, new_tenant_name())
