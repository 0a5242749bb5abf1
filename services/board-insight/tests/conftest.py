from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from dazzler_stack.testing import BoardStack, Series, board_stack, chromium, recording_page


@pytest.fixture
def series() -> type[Series]:
    return Series


# --- Real processes: the QL/Orion stand-in, the generator, registry, gateway, board -------


REDIS_URL = os.environ.get("DAZZLER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardStack]:
    """Stand-in QL/Orion fed by the generator every second, the registry on PostgreSQL
    with a tenant in Europe/Rome granted the board, the board and the gateway."""
    with board_stack(
        tmp_path_factory.mktemp("insight-stack"),
        service="board-insight",
        board="insight",
        redis_url=REDIS_URL,
        display_name="Insight Test",
        grants=[
            {"board": slug, "settings": {"refresh_seconds": 1}}
            for slug in ("insight", "insight-preview")
        ],
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
