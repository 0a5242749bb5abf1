"""The sleuth service as a real process behind the real gateway and registry: three
boards, one process, the tenant context decides."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from dazzler_stack.testing import live_update_request

pytestmark = pytest.mark.integration

ITEMS = {"window": "1h"}


@pytest.mark.parametrize(
    ("board_slug", "title"),
    [("sleuth", "Defect size"), ("raw-materials", "Raw materials"), ("tweezers", "Tweezers")],
)
def test_slt001_the_context_picks_the_board(stack, board_slug, title):
    layout = httpx.get(stack.page_url("acme", board_slug) + "_dash-layout")
    assert layout.status_code == 200
    assert title in layout.text
    assert f'"board":"{board_slug}"' in layout.text.replace(" ", "")
    assert "ACME Milling" in layout.text


def test_slt002_the_board_refuses_requests_the_gateway_did_not_sign(stack):
    board = stack.direct
    assert httpx.get(board + "/_dash-layout").status_code == 403
    forged = stack.signed("acme", secret="not-the-secret-but-long-enough")
    assert httpx.get(board + "/_dash-layout", headers=forged).status_code == 403
    stale = stack.signed("acme", now=time.time() - 3600)
    assert httpx.get(board + "/_dash-layout", headers=stale).status_code == 403
    assert httpx.get(board + "/_dash-layout", headers=stack.signed("acme")).status_code == 200


def test_slt003_tweezers_items_with_spec_and_only_new_items_on_poll(stack):
    first = stack.update("acme", [], poll=False, cursor=None, **ITEMS)
    figure = first["graph"]["figure"]
    names = [t["name"] for t in figure["data"]]
    assert names == ["scrap", "conforms", "spec threshold"]
    items = sum(len(t["x"]) for t in figure["data"][:2])
    assert items >= 2
    assert all(0 < y < 1 for y in figure["data"][2]["y"])
    cursor = first["cursor"]["data"]
    time.sleep(2.5)
    second = stack.update("acme", [], poll=True, cursor=cursor, **ITEMS)
    graph = second["graph"]
    assert "figure" not in graph
    update, indices, _ = graph["extendData"]
    new_items = {x for xs in update["x"] for x in xs}
    assert new_items
    assert not new_items & {x for t in figure["data"][:2] for x in t["x"]}
    assert set(indices) <= {0, 1, 2}


def test_slt004_tenants_do_not_see_each_others_items(stack):
    seen = {}
    for tenant in ("acme", "globex"):
        figure = stack.update(tenant, [], poll=False, cursor=None, **ITEMS)["graph"]["figure"]
        seen[tenant] = [y for t in figure["data"][:2] for y in t["y"]]
    assert seen["acme"] != seen["globex"]


def test_slt005_fifty_viewers_of_a_type_wide_board_cost_one_query(stack):
    board = "raw-materials"
    first = stack.update("globex", [], poll=False, cursor=None, board=board, **ITEMS)
    cursor = first["cursor"]["data"]
    body = live_update_request(board, selection=[], poll=True, cursor=cursor, **ITEMS)
    url = stack.page_url("globex", board) + "_dash-update-component"

    async def viewers() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            return await asyncio.gather(*(client.post(url, json=body) for _ in range(50)))

    time.sleep(1.3)
    stack.reset_ql_stats()
    started = time.time()
    answers = asyncio.run(viewers())
    ended = time.time()
    assert {a.status_code for a in answers} <= {200, 204}
    queries = {k: v for k, v in stack.ql_stats()["requests"].items() if k.startswith("GET /v2/")}
    # Shared results end with each wall-clock interval (1 s here): one query per interval
    # the fifty requests spanned, however many viewers asked within it.
    intervals = int(ended) - int(started) + 1
    assert 1 <= sum(queries.values()) <= intervals
