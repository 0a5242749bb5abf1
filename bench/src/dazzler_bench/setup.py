"""The stack the bench measures: every service it needs, many tenants, data flowing."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from dazzler_stack import LocalStack

# board-fams too: the page-weight section switches between three boards of a tenant.
SERVICES = [
    "sim", "generator", "registry", "board-roughnator", "board-sleuth", "board-fams", "gateway",
]  # fmt: skip
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


def tenant_names(count: int) -> list[str]:
    """``demo`` and ``bench1`` … so that the first is the seeded demo tenant."""
    return ["demo", *(f"bench{n}" for n in range(1, count))]


@contextmanager
def bench_stack(tenants: list[str]) -> Iterator[LocalStack]:
    """Start the stack on a throw-away database, grant roughnator and sleuth to every tenant."""
    database = f"dazzler_bench_{uuid.uuid4().hex[:10]}"
    _psql(f"CREATE DATABASE {database}")
    try:
        with LocalStack(
            SERVICES,
            database_url=f"{POSTGRES}/{database}",
            seed_demo=True,
            env={"generator": {"DAZZLER_SIM_TENANTS": ",".join(tenants)}},
        ) as stack:
            for tenant in tenants[1:]:
                stack.run_command("registry", "tenants", "add", tenant)
                for board in ("roughnator", "sleuth"):
                    stack.run_command("registry", "boards", "grant", tenant, board)
            # A few ticks of data for every tenant before the first viewer arrives.
            time.sleep(12)
            yield stack
    finally:
        _psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
