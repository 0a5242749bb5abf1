from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from dazzler_stack.testing import BoardStack, board_stack, chromium, recording_page

# --- Real processes: registry, gateway and board ------------------------------------


REDIS_URL = os.environ.get("DAZZLER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


# One stack per test module: a session-wide one would keep running (generator ticking
# every second) through every later package of the suite and load the box under them.
@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardStack]:
    """The registry on PostgreSQL with a tenant granted the showcase, the board and the
    gateway (no data source: the showcase makes its own sample data)."""
    with board_stack(
        tmp_path_factory.mktemp("demo-stack"),
        service="board-demo",
        board="demo",
        redis_url=REDIS_URL,
        display_name="Demo Test",
        grants=[{"board": "demo"}],
        with_data=False,
    ) as running:
        yield running


# Module scope: one Playwright driver at a time in the thread, also when several members'
# browser tests run in one session.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console messages and page errors in ``page.problems``."""
    with recording_page(browser) as tab:
        yield tab
