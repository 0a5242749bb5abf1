from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dazzler_stack.testing import BoardStack, Series, board_stack, chromium, recording_page


@pytest.fixture
def t0() -> datetime:
    return datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC)


@pytest.fixture
def series() -> type[Series]:
    return Series


@pytest.fixture
def worker_states() -> Callable[[Any], dict[str, Any]]:
    def make(level: Any) -> dict[str, Any]:
        return {
            "fatigue": {
                "level": {"type": "Number", "value": level},
                "timestamp": {"dateTime": "2026-11-27T10:00:00+00:00", "format": "ISO"},
            }
        }

    return make


@pytest.fixture
def worker_series(
    t0: datetime, worker_states: Callable[[Any], dict[str, Any]]
) -> Callable[..., Series]:
    """A worker's series: one reading per level, ``step`` seconds apart from ``start``."""

    def make(
        levels: Sequence[Any],
        *,
        line: str | None = None,
        start: datetime | None = None,
        step: int = 5,
    ) -> Series:
        first = start or t0
        index = [first + timedelta(seconds=step * i) for i in range(len(levels))]
        attributes: dict[str, list[Any]] = {"workerStates": [worker_states(v) for v in levels]}
        if line is not None:
            attributes["productionLine"] = [line] * len(levels)
        return Series(index, attributes)

    return make


# --- Real processes: the QL/Orion stand-in, the generator, registry, gateway, board -------


REDIS_URL = os.environ.get("DAZZLER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


# One stack per test module: a session-wide one would keep running (generator ticking
# every second) through every later package of the suite and load the box under them.
@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardStack]:
    """Stand-in QL/Orion fed by the generator every second, the registry on PostgreSQL
    with a tenant in Europe/Rome granted the board, the board and the gateway."""
    with board_stack(
        tmp_path_factory.mktemp("fams-stack"),
        service="board-fams",
        board="fams",
        redis_url=REDIS_URL,
        display_name="Fams Test",
        grants=[{"board": "fams", "settings": {"refresh_seconds": 1, "fatigue_limit": 4}}],
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
