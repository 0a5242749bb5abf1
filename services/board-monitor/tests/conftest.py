"""The monitor board as users reach it: the real gateway and tenant registry in front of
the board service, the simulator's QuantumLeap stand-in and generator behind it (one stack
per test module). No monitor exists when the stack starts: tests create them through the
registry's admin API while everything runs."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from dazzler_stack.testing import BoardStack, board_stack, chromium, recording_page

REDIS_URL = os.environ.get("DAZZLER_BOARDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
SERVICE = "board-monitor"
BOARD = "monitor"
ENTITY_TYPE = "MachineTelemetry"

MACHINES = {
    "title": "Machine telemetry",
    "entity_type": "MachineTelemetry",
    "attributes": [
        {
            "name": "temperature",
            "label": "Temperature",
            "unit": "°C",
            "color": "#ff7f0e",
            "thresholds": [{"value": 75, "label": "hot", "color": "#d62728"}],
        },
        {"name": "power", "label": "Power", "unit": "kW", "color": "#2ca02c"},
    ],
    "chart": "line",
    "default_last_n": 50,
    "current_values": True,
}


@pytest.fixture
def machines() -> dict[str, Any]:
    """A monitor spec of the simulator's MachineTelemetry entities (a fresh copy)."""
    return copy.deepcopy(MACHINES)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardStack]:
    """sim + generator (1 s ticks), registry on PostgreSQL, the monitor board and the
    gateway; tenants acme and globex with no boards yet."""
    with board_stack(
        tmp_path_factory.mktemp("stack"),
        service=SERVICE,
        board=BOARD,
        entity_type=ENTITY_TYPE,
        redis_url=REDIS_URL,
        grants=(),
    ) as running:
        yield running


@pytest.fixture(scope="module")
def admin(stack: BoardStack) -> Iterator[httpx.Client]:
    """The registry's admin API with a token of its own."""
    output = stack.stack.run_command("registry", "tokens", "create", "monitor-tests")
    token = output.strip().splitlines()[-1].strip()
    with httpx.Client(
        base_url=stack.stack.url("registry") + "/v1/admin",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ) as client:
        yield client


@pytest.fixture
def add_monitor(
    stack: BoardStack, admin: httpx.Client
) -> Iterator[Callable[[str, str, dict[str, Any]], str]]:
    """Create a monitor through the admin API; returns its page URL. Removed afterwards."""
    made: list[tuple[str, str]] = []

    def add(tenant: str, slug: str, spec: dict[str, Any]) -> str:
        tenant_slug = stack.tenants[tenant].slug
        answer = admin.post(f"/tenants/{tenant_slug}/monitors", json={"slug": slug, "spec": spec})
        assert answer.status_code == 201, answer.text
        made.append((tenant_slug, slug))
        return stack.page_url(tenant, slug)

    yield add
    for tenant_slug, slug in made:
        admin.delete(f"/tenants/{tenant_slug}/monitors/{slug}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    with recording_page(browser) as tab:
        yield tab, tab.problems
