from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator

import pytest
from dazzler_stack import LocalStack

BOARD_SERVICES = [
    "board-roughnator",
    "board-sleuth",
    "board-fams",
    "board-insight",
    "board-demo",
    "board-monitor",
]


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    """Every Dazzler service on free ports, tenant demo seeded, data arriving twice a second."""
    name = f"loadtest_{uuid.uuid4().hex[:10]}"
    _psql(f"CREATE DATABASE {name}")
    services = ["sim", "generator", "registry", *BOARD_SERVICES, "gateway"]
    with LocalStack(
        services,
        database_url=f"postgresql://postgres@127.0.0.1:5432/{name}",
        seed_demo=True,
        env={"generator": {"DAZZLER_SIM_INTERVAL": "0.5"}},
    ) as running:
        yield running
    _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
