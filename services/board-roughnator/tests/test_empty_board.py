"""A tenant without any data yet: the board says what it waits for and how to send some."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from dazzler_stack.testing import BoardStack, board_stack

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("DAZZLER_BOARDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardStack]:
    with board_stack(
        tmp_path_factory.mktemp("empty-stack"),
        service="board-roughnator",
        board="roughnator",
        redis_url=REDIS_URL,
        with_data=False,
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
