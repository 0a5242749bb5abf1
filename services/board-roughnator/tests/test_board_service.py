"""The roughnator service as a real process against the simulator's QuantumLeap."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import httpx
import pytest
from tenant_context import sign_context

from .conftest import SECRET, context, refresh, signed

pytestmark = pytest.mark.integration


def part(response: dict[str, Any], kind: str) -> dict[str, Any]:
    for key, value in response.items():
        if f'"bk-{kind}"' in key:
            return dict(value)
    return {}


def test_rgh001_page_loads_for_two_tenants_from_one_process(board):
    for tenant, name in (("acme", "ACME Milling"), ("globex", "Globex Works")):
        page = httpx.get(board + "/", headers=signed(tenant))
        assert page.status_code == 200
        assert f"/dazzler/{tenant}/-/roughnator/_dash-component-suites/" in page.text
        layout = httpx.get(board + "/_dash-layout", headers=signed(tenant)).text
        assert name in layout
    assert 'data-bs-theme="dark"' in httpx.get(board + "/", headers=signed("acme")).text


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/_dash-dependencies", "/anything"])
def test_rgh002_unsigned_forged_or_stale_requests_get_403(board, path):
    assert httpx.get(board + path).status_code == 403
    forged = signed("acme")
    forged["X-Dazzler-Context"] = sign_context(context("globex"), SECRET)["X-Dazzler-Context"]
    assert httpx.get(board + path, headers=forged).status_code == 403
    wrong = sign_context(context("acme"), "not-the-secret")
    assert httpx.get(board + path, headers=wrong).status_code == 403
    stale = sign_context(context("acme"), SECRET, now=time.time() - 3600)
    answer = httpx.get(board + path, headers=stale)
    assert answer.status_code == 403
    assert answer.json() == {"detail": "Forbidden", "code": "forbidden"}


def test_rgh003_probes_metrics_and_assets_need_no_context(board):
    assert httpx.get(board + "/healthz").json() == {"status": "ok"}
    assert httpx.get(board + "/readyz").status_code == 200
    page = httpx.get(board + "/", headers=signed("acme")).text
    script = re.search(
        r'src="/dazzler/acme/-/roughnator/(_dash-component-suites/[^"]*plotly[^"]*)"', page
    )
    asset = (
        script.group(1)
        if script
        else re.search(
            r'src="/dazzler/acme/-/roughnator/(_dash-component-suites/[^"]+)"', page
        ).group(1)
    )
    answer = httpx.get(f"{board}/{asset}", headers={"Accept-Encoding": "br, gzip"})
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "br"
    assert "immutable" in answer.headers["cache-control"]
    assert "dazzler_board_callback_seconds" in httpx.get(board + "/metrics").text


def test_rgh004_each_tenant_sees_only_its_own_data(board):
    entity = "urn:ngsi-ld:RoughnessEstimate:1"
    figures = {}
    for tenant in ("acme", "globex"):
        response = refresh(board, signed(tenant), [entity], poll=False, cursor=None)
        figures[tenant] = part(response, "graph")["figure"]["data"][1]["y"]
        assert part(response, "status")["className"].endswith("bk-status-live")
    # The simulator gives each tenant its own random stream.
    assert figures["acme"] != figures["globex"]


def test_rgh005_a_poll_after_new_data_returns_only_the_new_points(board):
    entity = "urn:ngsi-ld:RoughnessEstimate:1"
    headers = signed("acme")
    first = refresh(board, headers, [entity], poll=False, cursor=None)
    cursor = part(first, "cursor")["data"]
    on_screen = len(part(first, "graph")["figure"]["data"][0]["x"])
    time.sleep(2.5)
    second = refresh(board, signed("acme"), [entity], poll=True, cursor=cursor)
    graph = part(second, "graph")
    assert "figure" not in graph
    update, indices, max_points = graph["extendData"]
    new_x = update["x"][0]
    assert 1 <= len(new_x) <= 5
    assert indices == [0, 1]
    assert max_points["x"][0] == min(100, on_screen + len(new_x))
    assert part(second, "cursor")["data"]["last"] > cursor["last"]
    # The same cursor again: nothing is sent twice once the browser has moved on.
    moved = part(second, "cursor")["data"]
    third = refresh(board, signed("acme"), [entity], poll=True, cursor=moved)
    assert "extendData" not in part(third, "graph") or all(
        x > new_x[-1] for x in part(third, "graph")["extendData"][0]["x"][0]
    )


def test_rgh006_fifty_viewers_cost_one_query_per_interval(board, sim):
    entity = "urn:ngsi-ld:RoughnessEstimate:2"
    headers = signed("globex", refresh_seconds=3)
    first = refresh(board, headers, [entity], poll=False, cursor=None)
    cursor = part(first, "cursor")["data"]

    async def viewers() -> list[int]:
        async with httpx.AsyncClient(base_url=board, timeout=20) as client:
            from .conftest import refresh_payload

            payload = refresh_payload([entity], poll=True, cursor=cursor)
            answers = await asyncio.gather(
                *(
                    client.post("/_dash-update-component", json=payload, headers=headers)
                    for _ in range(50)
                )
            )
            return [a.status_code for a in answers]

    time.sleep(3.2)
    sim.reset_stats()
    assert set(asyncio.run(viewers())) == {200}
    queries = {k: v for k, v in sim.stats()["requests"].items() if "/v2/entities/" in k}
    assert sum(queries.values()) == 1


def test_rgh007_ql_down_shows_unavailable_and_recovers(board, sim):
    entity = "urn:ngsi-ld:RoughnessEstimate:1"
    first = refresh(board, signed("acme"), [entity], poll=False, cursor=None)
    cursor = part(first, "cursor")["data"]
    sim.stop()
    try:
        time.sleep(1.2)
        down = refresh(board, signed("acme"), [entity], poll=True, cursor=cursor)
        status = part(down, "status")
        assert status["className"].endswith("bk-status-unavailable")
        assert "unavailable" in status["children"]
        # The last data stays on screen: the figure is not replaced.
        assert "figure" not in part(down, "graph")
        assert httpx.get(board + "/readyz").status_code == 503
    finally:
        sim.start()
    time.sleep(2.5)
    back = refresh(board, signed("acme"), [entity], poll=True, cursor=cursor)
    assert part(back, "status")["className"].endswith("bk-status-live")
    assert part(back, "graph")["extendData"][0]["x"][0]
