"""Replicas dying and the registry going away while the gateway keeps serving."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(make_stack: Callable[..., Any]) -> Any:
    # No Redis and a short TTL: the registry is asked again every half second.
    return make_stack({"board-demo": 2}, cache_ttl="0.5", stale_limit="300")


def test_replicas_share_the_load_and_survive_one_dying(
    stack: Any, new_tenant_name: Callable[[], str]
) -> None:
    tenant = new_tenant_name()
    stack.admin.add_tenant(tenant)
    stack.admin.grant(tenant, "demo")
    served = {stack.get(f"/dazzler/{tenant}/-/demo/").json()["replica"] for _ in range(6)}
    assert served == {"board-demo-0", "board-demo-1"}

    stack.boards["board-demo"][0].kill()
    answers = [stack.get(f"/dazzler/{tenant}/-/demo/x") for _ in range(20)]
    assert [a.status_code for a in answers] == [200] * 20
    assert {a.json()["replica"] for a in answers} == {"board-demo-1"}
    posts = [
        stack.http.post(f"{stack.gateway.url}/dazzler/{tenant}/-/demo/_dash-update-component")
        for _ in range(6)
    ]
    assert [p.status_code for p in posts] == [200] * 6

    stack.boards["board-demo"][1].kill()
    down = stack.get(f"/dazzler/{tenant}/-/demo/")
    assert down.status_code == 503
    assert "Showcase is not running right now" in down.text
    as_json = stack.get(f"/dazzler/{tenant}/-/demo/", headers={"Accept": "application/json"})
    assert as_json.json()["code"] == "board_unavailable"


def test_registry_outage_keeps_known_tenants_and_refuses_unknown(
    stack: Any, new_tenant_name: Callable[[], str]
) -> None:
    known = new_tenant_name()
    stack.admin.add_tenant(known)
    assert stack.get(f"/dazzler/{known}/-/").status_code == 200
    assert stack.get("/readyz").status_code == 200

    stack.registry.stop()
    for _ in range(3):
        # Wait out the TTL, so the registry is tried and found gone each time.
        time.sleep(0.6)
        assert stack.get(f"/dazzler/{known}/-/").status_code == 200
    unknown = stack.get(f"/dazzler/{new_tenant_name()}/-/")
    assert unknown.status_code == 503
    assert unknown.headers["retry-after"] == "5"
    ready = stack.get("/readyz").json()
    assert ready["registry_reachable"] is False
    assert ready["ready"] is True
    metrics = stack.metrics()
    assert 'dazzler_gateway_route_cache_total{result="stale"}' in metrics
