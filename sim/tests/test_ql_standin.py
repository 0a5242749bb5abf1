"""QL stand-in behaviour beyond the captured cases: storage, stats, time index, CLI."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration


def _notify(ql: str, tenant: str, entities: list[dict[str, Any]], **headers: str) -> int:
    response = httpx.post(
        f"{ql}/v2/notify",
        json={"data": entities},
        headers={"Fiware-Service": tenant, "Fiware-ServicePath": "/plant1", **headers},
    )
    return response.status_code


def _reading(value: float, at: str) -> dict[str, Any]:
    return {
        "id": "M1",
        "type": "Machine",
        "speed": {"type": "Number", "value": value},
        "measuredAt": {"type": "DateTime", "value": at},
        "TimeInstant": {"type": "DateTime", "value": "2026-01-01T00:00:00Z"},
    }


def test_sqlite_store_survives_a_restart(tmp_path: Any, start_sim: Any, tenant: str) -> None:
    store = f"sqlite:{tmp_path / 'ql.db'}"
    first = start_sim("--store", store, "--dialect", "1.0.1")
    assert _notify(first.ql_url, tenant, [_reading(1.5, "2026-01-01T10:00:00Z")]) == 200
    first.stop()

    second = start_sim("--store", store, "--dialect", "1.0.1")
    assert _notify(second.ql_url, tenant, [_reading(2.5, "2026-01-01T10:00:00Z")]) == 200
    response = httpx.get(
        f"{second.ql_url}/v2/entities/M1/attrs/speed",
        params={"type": "Machine"},
        headers={"Fiware-Service": tenant},
    )

    assert response.json()["values"] == [1.5, 2.5]


def test_time_index_header_takes_priority(sim_server: Any, tenant: str) -> None:
    ql = sim_server.ql_url
    _notify(ql, tenant, [_reading(1.0, "2026-03-01T08:00:00+02:00")],
            **{"Fiware-TimeIndex-Attribute": "measuredAt"})  # fmt: skip
    _notify(ql, tenant, [_reading(2.0, "2026-03-01T09:00:00Z")])

    response = httpx.get(
        f"{ql}/v2/entities/M1", params={"type": "Machine"}, headers={"Fiware-Service": tenant}
    )

    # First row: the named attribute; second: TimeInstant (the header was not sent).
    assert response.json()["index"] == [
        "2026-01-01T00:00:00.000+00:00",
        "2026-03-01T06:00:00.000+00:00",
    ]
    assert response.json()["attributes"][-1] == {"attrName": "speed", "values": [2.0, 1.0]}


def test_key_value_notifications_fail_like_ql(sim_server: Any, tenant: str) -> None:
    response = httpx.post(
        f"{sim_server.ql_url}/v2/notify",
        json={"data": [{"id": "M1", "type": "Machine", "speed": 12.5}]},
        headers={"Fiware-Service": tenant},
    )

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"


def test_trailing_slash_service_path_matches_nothing(sim_server: Any, tenant: str) -> None:
    _notify(sim_server.ql_url, tenant, [_reading(1.0, "2026-01-01T10:00:00Z")])

    def count(path: str) -> Any:
        return httpx.get(
            f"{sim_server.ql_url}/v2/entities",
            headers={"Fiware-Service": tenant.upper(), "Fiware-ServicePath": path},
        ).json()

    assert [e["id"] for e in count("/plant1")] == ["M1"]
    assert count("/plant1/") == []
    assert count("/plant") == []


def test_stats_count_requests_per_route_and_tenant(start_sim: Any, tenant: str) -> None:
    sim = start_sim()
    httpx.post(f"{sim.ql_url}/__sim/stats/reset")  # forget the readiness checks
    _notify(sim.ql_url, tenant, [_reading(1.0, "2026-01-01T10:00:00Z")])
    for entity_id in ("M1", "M2"):
        httpx.get(f"{sim.ql_url}/v2/entities/{entity_id}", headers={"Fiware-Service": tenant})
    httpx.get(f"{sim.ql_url}/version")

    stats = httpx.get(f"{sim.ql_url}/__sim/stats").json()
    reset = httpx.post(f"{sim.ql_url}/__sim/stats/reset")
    after = httpx.get(f"{sim.ql_url}/__sim/stats").json()

    assert stats["requests"] == {
        "POST /v2/notify": 1,
        "GET /v2/entities/{entity_id}": 2,
        "GET /version": 1,
    }
    assert stats["by_tenant"] == {tenant: 3, "<default>": 1}
    assert reset.status_code == 204
    assert after == {"requests": {}, "by_tenant": {}}


@pytest.mark.parametrize("command", [[], ["serve"], ["generate"], ["all"]])
def test_every_command_has_help(run_cli: Any, command: list[str]) -> None:
    result = run_cli(*command, "--help")

    assert result.returncode == 0
    assert "Usage" in result.stdout
    expected = {"serve": "--dialect", "generate": "--mode", "all": "--store"}
    if command:
        assert expected[command[0]] in result.stdout


def test_op_query_without_attrs_is_refused_like_ql(sim_server: Any, tenant: str) -> None:
    _notify(sim_server.ql_url, tenant, [_reading(1.0, "2026-01-01T10:00:00Z")])

    response = httpx.post(
        f"{sim_server.ql_url}/v2/op/query",
        json={"entities": [{"id": "M1", "type": "Machine"}]},
        headers={"Fiware-Service": tenant},
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "'attrs' is a required property"


def test_client_last_values_without_attrs_gets_every_attribute(
    sim_server: Any, tenant: str
) -> None:
    from ngsi import FiwareContext, QuantumLeapClient

    _notify(sim_server.ql_url, tenant, [_reading(1.0, "2026-01-01T10:00:00Z")])
    _notify(sim_server.ql_url, tenant, [_reading(2.0, "2026-01-01T11:00:00Z")])
    ctx = FiwareContext(service=tenant, service_path="/")

    with httpx.Client(base_url=sim_server.ql_url) as http:
        client = QuantumLeapClient(http)
        every = client.last_values(ctx, [("M1", "Machine")])
        nothing = client.last_values(ctx, [("M9", "Nobody")])

    assert every[0]["speed"] == {"type": "Number", "value": 2.0}
    assert set(every[0]) >= {"id", "type", "speed", "measuredAt"}
    assert nothing == []
