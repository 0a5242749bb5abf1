"""The roughnator service as a real process behind the real gateway and registry."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from dazzler_stack.testing import live_update_request

pytestmark = pytest.mark.integration

ENTITY = "urn:ngsi-ld:RoughnessEstimate:1"


def test_rgh001_page_loads_for_two_tenants_from_one_process(stack):
    for tenant in ("acme", "globex"):
        entry = stack.tenants[tenant]
        page = httpx.get(stack.page_url(tenant))
        assert page.status_code == 200
        # Static files come from the path every board and tenant shares.
        assert 'src="/dazzler/-/static/' in page.text
        assert "_dash-component-suites" not in page.text
        assert f'data-bs-theme="{entry.theme}"' in page.text
        layout = httpx.get(stack.page_url(tenant) + "_dash-layout").text
        assert entry.display_name in layout
        other = stack.tenants["globex" if tenant == "acme" else "acme"]
        assert other.display_name not in layout


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/_dash-dependencies", "/anything"])
def test_rgh002_unsigned_forged_or_stale_requests_get_403(stack, path):
    board = stack.direct
    assert httpx.get(board + path).status_code == 403
    forged = stack.signed("acme")
    forged["X-Dazzler-Context"] = stack.signed("globex")["X-Dazzler-Context"]
    assert httpx.get(board + path, headers=forged).status_code == 403
    wrong = stack.signed("acme", secret="not-the-secret-but-long-enough")
    assert httpx.get(board + path, headers=wrong).status_code == 403
    stale = stack.signed("acme", now=time.time() - 3600)
    answer = httpx.get(board + path, headers=stale)
    assert answer.status_code == 403
    assert answer.json() == {"detail": "Forbidden", "code": "forbidden"}
    # A fresh signature from the same secret is let in: the gate is not simply closed.
    assert httpx.get(board + "/_dash-layout", headers=stack.signed("acme")).status_code == 200


def test_rgh003_probes_metrics_and_assets(stack):
    board = stack.direct
    assert httpx.get(board + "/healthz").json() == {"status": "ok"}
    assert httpx.get(board + "/readyz").status_code == 200
    page = httpx.get(stack.page_url("acme")).text
    script = re.search(r'src="(/dazzler/-/static/[^"]+)"', page)
    assert script is not None
    answer = httpx.get(stack.gateway + script.group(1), headers={"Accept-Encoding": "br, gzip"})
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "br"
    assert "immutable" in answer.headers["cache-control"]
    assert "dazzler_board_callback_seconds" in httpx.get(board + "/metrics").text


def test_rgh004_each_tenant_sees_only_its_own_data(stack):
    seen = {}
    for tenant in ("acme", "globex"):
        parts = stack.update(tenant, [ENTITY], poll=False, cursor=None)
        seen[tenant] = parts["graph"]["figure"]["data"][1]["y"]
        assert parts["status"]["className"].endswith("bk-status-live")
    # The simulator gives each tenant its own random stream.
    assert seen["acme"] != seen["globex"]


def test_rgh005_a_poll_after_new_data_returns_only_the_new_points(stack):
    first = stack.update("acme", [ENTITY], poll=False, cursor=None)
    cursor = first["cursor"]["data"]
    shown_x = first["graph"]["figure"]["data"][0]["x"]
    time.sleep(2.5)
    second = stack.update("acme", [ENTITY], poll=True, cursor=cursor)
    graph = second["graph"]
    assert "figure" not in graph
    update, indices, max_points = graph["extendData"]
    new_x = update["x"][0]
    assert 1 <= len(new_x) <= 5
    assert min(new_x) > max(shown_x)
    assert indices == [0, 1]
    assert max_points["x"][0] == min(100, len(shown_x) + len(new_x))
    moved = second["cursor"]["data"]
    assert moved["last"] > cursor["last"]
    # With the moved cursor nothing already sent comes again.
    third = stack.update("acme", [ENTITY], poll=True, cursor=moved)
    if "extendData" in third.get("graph", {}):
        assert min(third["graph"]["extendData"][0]["x"][0]) > max(new_x)


def test_rgh006_fifty_viewers_cost_one_query_per_interval(stack):
    entity = "urn:ngsi-ld:RoughnessEstimate:2"
    first = stack.update("globex", [entity], poll=False, cursor=None)
    cursor = first["cursor"]["data"]
    body = live_update_request("roughnator", selection=[entity], poll=True, cursor=cursor)
    url = stack.page_url("globex") + "_dash-update-component"

    async def viewers() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            return await asyncio.gather(*(client.post(url, json=body) for _ in range(50)))

    # Past the 1 s interval the shared entry has expired: the next polls must refill it.
    time.sleep(1.3)
    stack.reset_ql_stats()
    started = time.time()
    answers = asyncio.run(viewers())
    ended = time.time()
    assert {a.status_code for a in answers} == {200}
    new_points = [a.json()["response"] for a in answers]
    assert all('"bk-graph"' in "".join(r) for r in new_points)
    queries = {k: v for k, v in stack.ql_stats()["requests"].items() if "/v2/entities/" in k}
    # Shared results end with each wall-clock interval (1 s here): one query per interval
    # the fifty requests spanned, however many viewers asked within it.
    intervals = int(ended) - int(started) + 1
    assert 1 <= sum(queries.values()) <= intervals


def test_rgh007_custom_range_is_read_in_the_tenant_timezone(stack):
    tenant = stack.tenants["acme"]
    zone = ZoneInfo(tenant.timezone)
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=2)
    start = end - timedelta(seconds=6)

    def typed(moment: datetime) -> str:  # what a person types in the datetime-local field
        return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")

    parts = stack.update(
        "acme",
        [ENTITY],
        poll=False,
        cursor=None,
        window="custom",
        start=typed(start),
        end=typed(end),
    )
    assert parts["status"]["className"].endswith("bk-status-paused")
    shown = parts["graph"]["figure"]["data"][0]["x"]
    # The same range asked of QL directly, in UTC with an explicit offset.
    answer = httpx.get(
        f"{stack.ql}/v2/entities/{ENTITY}",
        params={
            "type": "RoughnessEstimate",
            "fromDate": start.isoformat(),
            "toDate": end.isoformat(),
        },
        headers={"Fiware-Service": tenant.fiware_service},
    )
    answer.raise_for_status()
    expected = [
        datetime.fromisoformat(t.replace("Z", "+00:00"))
        .astimezone(zone)
        .replace(tzinfo=None)
        .isoformat(timespec="milliseconds")
        for t in answer.json()["index"]
    ]
    assert len(expected) >= 3
    assert shown == expected


def test_rgh008_ql_down_shows_unavailable_and_recovers(stack):
    first = stack.update("acme", [ENTITY], poll=False, cursor=None)
    cursor = first["cursor"]["data"]
    stack.stop_ql()
    try:
        time.sleep(1.2)
        down = stack.update("acme", [ENTITY], poll=True, cursor=cursor)
        status = down["status"]
        assert status["className"].endswith("bk-status-unavailable")
        assert "unavailable" in status["children"]
        # The last data stays on screen: the figure is not replaced.
        assert "figure" not in down.get("graph", {})
        assert httpx.get(stack.direct + "/readyz").status_code == 503
    finally:
        stack.start_ql()
    time.sleep(2.5)
    back = stack.update("acme", [ENTITY], poll=True, cursor=cursor)
    assert back["status"]["className"].endswith("bk-status-live")
    assert back["graph"]["extendData"][0]["x"][0]


def test_rgh009_client_sent_context_headers_are_ignored(stack):
    # The gateway drops context headers a client sends and signs its own.
    forged = stack.signed("globex")
    layout = httpx.get(stack.page_url("acme") + "_dash-layout", headers=forged).text
    assert "ACME Milling" in layout
    assert "Globex Works" not in layout
    assert httpx.get(f"{stack.gateway}/dazzler/nobody_here/-/roughnator/").status_code == 404


def test_rgh010_a_fresh_process_answers_a_burst_of_first_requests(stack):
    # The first requests after a (re)start run while libraries still load lazily; none
    # of a burst of concurrent first page loads may fail.
    stack.stack.restart("board-roughnator")

    async def burst() -> list[int]:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            url = stack.page_url("acme") + "_dash-layout"
            answers = await asyncio.gather(*(client.get(url) for _ in range(150)))
        return [answer.status_code for answer in answers]

    statuses = asyncio.run(burst())
    assert statuses == [200] * len(statuses)
