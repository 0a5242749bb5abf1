"""Under `make run` the generator feeds every tenant the registry knows, following changes."""

from __future__ import annotations

import time

import httpx
import pytest
from dazzler_stack import LocalStack

pytestmark = pytest.mark.integration


def _roughness_count(ql_url: str, service: str) -> int:
    """How many roughness readings QuantumLeap holds for ``service`` (0 when none)."""
    response = httpx.get(
        f"{ql_url}/v2/types/RoughnessEstimate/attrs/roughness",
        headers={"Fiware-Service": service, "Fiware-ServicePath": "/"},
        params={"lastN": 1000},
        timeout=5,
    )
    if response.status_code == 404:
        return 0
    response.raise_for_status()
    return sum(len(entity["values"]) for entity in response.json()["entities"])


def _wait_for(check, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout}s: {what}")


def test_new_tenants_get_data_and_disabled_ones_stop(pg_database: str, tmp_path) -> None:
    stack = LocalStack(
        ["sim", "generator", "registry"],
        database_url=pg_database,
        follow_registry=True,
        seed_demo=True,
        log_dir=tmp_path,
        env={"generator": {"DAZZLER_SIM_INTERVAL": "1"}},
    )
    with stack:
        ql = stack.url("sim", "ql")
        _wait_for(lambda: _roughness_count(ql, "demo") > 0, "demo is fed", 20)
        assert _roughness_count(ql, "acme_milling") == 0

        stack.run_command("registry", "tenants", "add", "acme", "--fiware-service", "acme_milling")
        stack.run_command("registry", "boards", "grant", "acme", "roughnator")
        _wait_for(lambda: _roughness_count(ql, "acme_milling") > 0, "acme is fed", 10)

        stack.run_command("registry", "tenants", "disable", "acme")
        time.sleep(5)  # the generator's poll (3 s) plus a tick in flight
        stopped_at = _roughness_count(ql, "acme_milling")
        time.sleep(3)
        assert _roughness_count(ql, "acme_milling") == stopped_at
        assert _roughness_count(ql, "demo") > 0
