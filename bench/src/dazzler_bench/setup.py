"""The stack the bench measures: every service it needs, many tenants, data flowing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from dazzler_stack import LocalStack
from dazzler_stack.testing import scratch_database

# board-fams too: the page-weight section switches between three boards of a tenant.
SERVICES = [
    "sim", "generator", "registry", "board-roughnator", "board-sleuth", "board-fams", "gateway",
]  # fmt: skip


GATEWAY_CONNECTIONS = 30_000


def tenant_names(count: int) -> list[str]:
    """``demo`` and ``bench1`` … so that the first is the seeded demo tenant."""
    return ["demo", *(f"bench{n}" for n in range(1, count))]


@contextmanager
def bench_stack(tenants: list[str]) -> Iterator[LocalStack]:
    """Start the stack on a throw-away database, grant roughnator and sleuth to every tenant."""
    with (
        scratch_database("dazzler_bench") as database_url,
        LocalStack(
            SERVICES,
            database_url=database_url,
            seed_demo=True,
            env={
                "generator": {"DAZZLER_SIM_TENANTS": ",".join(tenants)},
                # Push holds one connection per viewer: the edge's default caps (1,024 per
                # worker, 128 per client address) would refuse the steps long before the
                # server gives out. The HTTP load comes from one address, like all
                # traffic behind an ingress.
                "gateway": {
                    "DAZZLER_GATEWAY_MAX_CONNECTIONS": str(GATEWAY_CONNECTIONS),
                    "DAZZLER_GATEWAY_MAX_CONNECTIONS_PER_CLIENT": str(GATEWAY_CONNECTIONS),
                },
            },
        ) as stack,
    ):
        for tenant in tenants[1:]:
            stack.run_command("registry", "tenants", "add", tenant)
            for board in ("roughnator", "sleuth"):
                stack.run_command("registry", "boards", "grant", tenant, board)
        # A few ticks of data for every tenant before the first viewer arrives.
        time.sleep(12)
        yield stack
