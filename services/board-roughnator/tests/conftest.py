"""The roughnator as users reach it: the real gateway and tenant registry in front of the
board service, the simulator's QuantumLeap stand-in and generator behind it, all started
as processes by ``dazzler_stack.LocalStack`` (one stack per test module)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from dazzler_stack.testing import BoardStack, board_stack, chromium, recording_page

REDIS_URL = os.environ.get("DAZZLER_BOARDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
SERVICE = "board-roughnator"
BOARD = "roughnator"
ENTITY_TYPE = "RoughnessEstimate"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardStack]:
    """sim + generator (1 s ticks), registry on PostgreSQL, the board and the gateway; two
    tenants created through the registry's admin API, each granted the board with a 1 s
    poll interval. Tenant slugs are unique per stack, so stacks never share data."""
    with board_stack(
        tmp_path_factory.mktemp("stack"),
        service=SERVICE,
        board=BOARD,
        entity_type=ENTITY_TYPE,
        redis_url=REDIS_URL,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def orion_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardStack]:
    """The same, with the generator sending through Orion (as in production), whose
    subscriptions forward each measurement to QL and notify the board."""
    with board_stack(
        tmp_path_factory.mktemp("orion-stack"),
        service=SERVICE,
        board=BOARD,
        entity_type=ENTITY_TYPE,
        redis_url=REDIS_URL,
        sim_mode="orion",
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    with recording_page(browser) as tab:
        yield tab, tab.problems
