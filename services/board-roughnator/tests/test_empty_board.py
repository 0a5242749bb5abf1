"""A tenant without any data yet: the board says what it waits for and how to send some."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from dazzler_stack.testing import BoardStack, board_stack

pytestmark = pytest.mark.integration

BOARDS = (
    "roughnator",
    "sleuth",
    "raw-materials",
    "tweezers",
    "fams",
    "insight",
    "insight-preview",
    "demo",
)
REDIS_URL = os.environ.get("DAZZLER_BOARDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardStack]:
    with board_stack(
        tmp_path_factory.mktemp("empty-stack"),
        service="board-roughnator",
        board="roughnator",
        redis_url=REDIS_URL,
        with_data=False,
        # Every board `make run` gives the demo tenant: a navigation as long as it gets.
        grants=[{"board": slug, "settings": {"refresh_seconds": 1}} for slug in BOARDS],
    ) as running:
        yield running


def test_an_empty_board_names_the_awaited_entities_and_their_source(empty) -> None:
    parts = empty.update("acme", [], poll=False, cursor=None)
    service = empty.tenants["acme"].fiware_service
    status = parts["status"]
    assert str(status["className"]).endswith("bk-status-empty")
    message = str(status["children"])
    assert "Waiting for RoughnessEstimate data" in message
    assert f"Fiware-Service “{service}”" in message
    assert "python -m sim generate" in message
    assert "docs/entities.md" in message
    annotation = parts["graph"]["figure"]["layout"]["annotations"][0]["text"]
    assert annotation == message
    # A poll keeps the page as it is while nothing changes.
    again = empty.update("acme", [], poll=True, cursor=parts["cursor"]["data"])
    assert "figure" not in again.get("graph", {})


@pytest.mark.browser
def test_the_empty_board_reads_well_in_the_browser(empty, page: tuple[Any, list[str]]) -> None:
    tab, problems = page
    tab.goto(empty.page_url("acme"))
    status = tab.wait_for_selector(".bk-status-empty", timeout=20_000)
    text = status.inner_text()
    assert text.startswith("Waiting for RoughnessEstimate data")
    assert "docs/entities.md" in text
    body = tab.inner_text("body")
    assert "Choose one or more" not in body
    # The picker's placeholder fits its box instead of being cut off.
    placeholder = tab.locator(".dash-dropdown").first
    assert "None yet" in placeholder.inner_text()
    fits = "el => el.scrollWidth <= el.clientWidth + 1"
    assert placeholder.evaluate(fits)
    assert problems == []


@pytest.mark.browser
def test_navigation_stays_one_row_at_1400_px(empty, page: tuple[Any, list[str]]) -> None:
    tab, problems = page
    tab.set_viewport_size({"width": 1400, "height": 900})
    tab.goto(empty.page_url("acme"))
    tab.wait_for_selector(".bk-status-empty", timeout=20_000)
    tops = tab.eval_on_selector_all(".navbar .nav-link", "els => els.map(e => e.offsetTop)")
    assert len(tops) == len(BOARDS)
    assert len(set(tops)) == 1, tops
    assert problems == []


@pytest.mark.browser
def test_a_refused_window_says_why_and_the_footer_claims_no_point(
    empty, page: tuple[Any, list[str]]
) -> None:
    tab, problems = page
    tab.goto(empty.page_url("acme"))
    tab.wait_for_selector(".bk-status-empty", timeout=20_000)
    field = tab.locator("input[type=number]").first
    field.fill("0")
    field.press("Enter")
    status = tab.wait_for_selector(".bk-status-invalid", timeout=10_000)
    assert "enter a whole number of points from 1 to 10000" in status.inner_text()
    assert "last point" not in tab.inner_text("footer")
    assert problems == []
