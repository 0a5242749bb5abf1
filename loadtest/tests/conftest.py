from __future__ import annotations

from collections.abc import Iterator

import pytest
from dazzler_stack import LocalStack
from dazzler_stack.testing import scratch_database

BOARD_SERVICES = [
    "board-roughnator",
    "board-sleuth",
    "board-fams",
    "board-insight",
    "board-demo",
    "board-monitor",
]


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    """Every Dazzler service on free ports, tenant demo seeded, data arriving twice a second."""
    services = ["sim", "generator", "registry", *BOARD_SERVICES, "gateway"]
    with (
        scratch_database("loadtest") as database_url,
        LocalStack(
            services,
            database_url=database_url,
            seed_demo=True,
            env={"generator": {"DAZZLER_SIM_INTERVAL": "0.5"}},
        ) as running,
    ):
        yield running
