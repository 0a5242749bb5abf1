"""The sleuth service as a real process: three boards, one process, the context decides."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from .conftest import refresh, signed

pytestmark = pytest.mark.integration


def part(response: dict[str, Any], kind: str) -> dict[str, Any]:
    for key, value in response.items():
        if f'"bk-{kind}"' in key:
            return dict(value)
    return {}


@pytest.mark.parametrize(
    ("board_slug", "title"),
    [("sleuth", "Defect size"), ("raw-materials", "Raw materials"), ("tweezers", "Tweezers")],
)
def test_slt001_the_context_picks_the_board(board, board_slug, title):
    layout = httpx.get(board + "/_dash-layout", headers=signed("acme", board_slug))
    assert layout.status_code == 200
    assert title in layout.text
    assert f'"board":"{board_slug}"' in layout.text.replace(" ", "")
    assert httpx.get(board + "/_dash-layout").status_code == 403


def test_slt002_tweezers_items_with_spec_and_only_new_items_on_poll(board):
    first = refresh(board, signed("acme"), [], poll=False, cursor=None)
    figure = part(first, "graph")["figure"]
    names = [t["name"] for t in figure["data"]]
    assert names == ["scrap", "conforms", "spec threshold"]
    items = sum(len(t["x"]) for t in figure["data"][:2])
    assert items >= 2
    assert all(0 < y < 1 for y in figure["data"][2]["y"])
    cursor = part(first, "cursor")["data"]
    time.sleep(2.5)
    second = refresh(board, signed("acme"), [], poll=True, cursor=cursor)
    graph = part(second, "graph")
    assert "figure" not in graph
    update, indices, _ = graph["extendData"]
    new_items = {x for xs in update["x"] for x in xs}
    assert new_items
    assert not new_items & {x for t in figure["data"][:2] for x in t["x"]}
    assert set(indices) <= {0, 1, 2}


def test_slt003_tenants_do_not_see_each_others_items(board):
    seen = {}
    for tenant in ("acme", "globex"):
        figure = part(refresh(board, signed(tenant), [], poll=False, cursor=None), "graph")[
            "figure"
        ]
        seen[tenant] = [y for t in figure["data"][:2] for y in t["y"]]
    assert seen["acme"] != seen["globex"]
