"""`python -m sim generate` against the stand-in: every board's data reads back via ngsi."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from ngsi import FiwareContext, OrionClient, QuantumLeapClient

pytestmark = pytest.mark.integration

QL_TYPES = {
    "RoughnessEstimate": {"acceleration", "roughness"},
    "inspection_demo": {"area", "okay"},
    "raw_material": {"okay", "conformance_indicator"},
    "tweezers_measurement": {"okay", "conformance_indicator", "spec"},
    "Worker": {"workerStates", "productionLine"},
    "TaskAssignment": {"creationTimestamp", "oldTask", "newTask", "additionalParameters"},
    "TaskExecution": {"creationTimestamp", "taskName", "additionalParameters"},
    "InsightKPI": {"insightId", "kpi", "value"},
    "MachineTelemetry": {"spindleSpeed", "temperature", "power"},
    "CoolantSystem": {"flow", "pressure", "pH"},
}


def _generate(run_cli: Callable[..., Any], sim: Any, tenants: str, mode: str) -> str:
    result = run_cli(
        "generate", "--ql-url", sim.ql_url, "--orion-url", sim.orion_url,
        "--tenants", tenants, "--interval", "0.05", "--ticks", "3", "--mode", mode,
        "--seed", "7",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def _types_in_ql(sim: Any, tenant: str) -> dict[str, dict[str, list[Any]]]:
    """For each type found: the attribute series of its first entity."""
    ctx = FiwareContext(service=tenant)
    found: dict[str, dict[str, list[Any]]] = {}
    with httpx.Client(base_url=sim.ql_url, timeout=10) as http:
        ql = QuantumLeapClient(http)
        for entity_type in QL_TYPES:
            entities = ql.list_entities(ctx, type=entity_type)
            if entities:
                series = ql.entity_series(ctx, entities[0].id, type=entity_type)
                found[entity_type] = dict(series.attributes)
    return found


def _insights(sim: Any, tenant: str) -> list[dict[str, Any]]:
    with httpx.Client(base_url=sim.orion_url, timeout=10) as http:
        return OrionClient(http).list_entities(
            FiwareContext(service=tenant), type="Insights", key_values=True
        )


def _has_every_attribute(found: dict[str, dict[str, list[Any]]]) -> dict[str, bool]:
    return {t: set(found.get(t, {})) >= attrs for t, attrs in QL_TYPES.items()}


def test_ql_mode_feeds_every_board(sim_server: Any, tenant: str, run_cli: Any) -> None:
    other = tenant + "b"
    output = _generate(run_cli, sim_server, f"{tenant},{other}", "ql")

    found = _types_in_ql(sim_server, tenant)
    other_found = _types_in_ql(sim_server, other)
    insights = _insights(sim_server, tenant)

    assert "sent 3 tick(s), 0 failed send(s)" in output
    assert _has_every_attribute(found) == dict.fromkeys(QL_TYPES, True)
    roughness = found["RoughnessEstimate"]["roughness"]
    assert len(roughness) == 3
    assert all(1.25 <= value <= 2.25 for value in roughness)
    assert all(0.0 <= value <= 1.0 for value in found["inspection_demo"]["area"])
    assert sorted(i["id"] for i in insights) == ["urn:ngsi-ld:Insights:1", "urn:ngsi-ld:Insights:2"]
    assert set(insights[0]["Results"]) == {
        "KPI_name", "features_names", "features_values", "KPI_best",
    }  # fmt: skip
    # Same seed, another tenant: other data.
    assert other_found["RoughnessEstimate"]["roughness"] != roughness


def test_orion_mode_reaches_ql_through_one_subscription(
    sim_server: Any, tenant: str, run_cli: Any, wait_until: Callable[..., Any]
) -> None:
    _generate(run_cli, sim_server, tenant, "orion")
    _generate(run_cli, sim_server, tenant, "orion")  # a restart reuses the subscription

    def every_type() -> Any:
        found = _types_in_ql(sim_server, tenant)
        complete = all(_has_every_attribute(found).values())
        return complete and len(found["RoughnessEstimate"]["roughness"]) == 6 and found

    found = wait_until(every_type)
    with httpx.Client(base_url=sim_server.orion_url) as http:
        subscriptions = OrionClient(http).list_subscriptions(
            FiwareContext(service=tenant, service_path="/#")
        )

    assert len(found["RoughnessEstimate"]["roughness"]) == 6
    assert len(subscriptions) == 1
    assert subscriptions[0]["notification"]["metadata"] == ["dateCreated", "dateModified"]
    assert subscriptions[0]["notification"]["http"]["url"] == f"{sim_server.ql_url}/v2/notify"
    assert len(_insights(sim_server, tenant)) == 2


def test_ql_mode_removes_the_subscription_an_orion_mode_run_left(
    sim_server: Any, tenant: str, run_cli: Any
) -> None:
    _generate(run_cli, sim_server, tenant, "orion")
    _generate(run_cli, sim_server, tenant, "ql")

    with httpx.Client(base_url=sim_server.orion_url) as http:
        subscriptions = OrionClient(http).list_subscriptions(
            FiwareContext(service=tenant, service_path="/#")
        )

    # Else insights and current state, kept in Orion only in ql mode, would reach QL too.
    assert subscriptions == []


def test_keeps_ticking_when_sends_fail(tenant: str, run_cli: Any) -> None:
    result = run_cli(
        "generate", "--ql-url", "http://127.0.0.1:9", "--orion-url", "http://127.0.0.1:9",
        "--tenants", tenant, "--interval", "0.01", "--ticks", "3",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "sent 3 tick(s), 3 failed send(s)" in result.stdout
    assert "retrying next tick" in result.stderr
