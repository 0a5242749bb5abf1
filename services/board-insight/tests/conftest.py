from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from dazzler_stack.testing import BoardStack, Series, board_stack, chromium, recording_page


@pytest.fixture
def series() -> type[Series]:
    return Series


# --- Real processes: the QL/Orion stand-in, the generator, registry, gateway, board -------


REDIS_URL = os.environ.get("DAZZLER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


# One stack per test module: a session-wide one would keep running (generator ticking
# every second) through every later package of the suite and load the box under them.
@pytest.fixture(scope="module")
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


Kpis = list[tuple[str, str, list[tuple[str, str]]]]
"""Per KPI of an insight: (name, best value, [(parameter, value)])."""


@pytest.fixture
def put_insight(stack: BoardStack) -> Callable[[str, Kpis], None]:
    """Upserts an ``Insights`` entity of tenant acme in Orion, stamped now."""

    def put(insight: str, kpis: Kpis) -> None:
        results = {
            "KPI_name": [name for name, _, _ in kpis],
            "features_names": [[p for p, _ in params] for _, _, params in kpis],
            "features_values": [[float(v) for _, v in params] for _, _, params in kpis],
            "KPI_best": [best for _, best, _ in kpis],
        }
        answer = httpx.post(
            stack.stack.url("sim", "orion") + "/v2/entities",
            params={"options": "upsert"},
            headers={"Fiware-Service": stack.tenants["acme"].fiware_service},
            json={
                "id": insight,
                "type": "Insights",
                "Results": {"type": "StructuredValue", "value": results},
                "TimeInstant": {"type": "DateTime", "value": datetime.now(UTC).isoformat()},
            },
            timeout=10,
        )
        assert answer.status_code in (201, 204), answer.text

    return put
