"""The push figures: freshness, memory and bytes per viewer, QL queries across replicas,
and the most live viewers held at p95 lag ≤ 1 s."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dazzler_stack import LocalStack

from dazzler_bench.capacity import Search, Step, find_capacity
from dazzler_bench.processes import board_replicas
from dazzler_bench.push_runs import (
    SETTLE_SECONDS,
    SPAWN_RATE,
    PeakRss,
    PushRunResult,
    run_push_viewers,
)
from dazzler_bench.ql_load import Window

# Viewers spread evenly over tenants and two boards, each board's over its entities.
BOARDS = "roughnator,sleuth"
# The replicas' QL poll per watched series, set explicitly so the figure's unit is known.
PUSH_POLL_SECONDS = 0.5
# Gateway processes during the push capacity search: one per core of the 2-core box.
PUSH_GATEWAY_WORKERS = 2
# A Redis database of its own, so the replicas share only with each other.
REPLICA_REDIS = "redis://127.0.0.1:6379/11"


@dataclass(slots=True)
class PushFindings:
    """What the push section measured."""

    freshness: list[PushRunResult] = field(default_factory=list)
    orion_freshness: list[PushRunResult] = field(default_factory=list)
    rss_mb_per_1000: dict[str, float] = field(default_factory=dict)
    replica_run: PushRunResult | None = None
    ql_per_series_per_interval: float = 0.0
    search: Search[PushRunResult] = field(default_factory=Search)


def measure_freshness(
    stack: LocalStack, tenants: list[str], counts: tuple[int, ...], measure: float
) -> tuple[list[PushRunResult], dict[str, float]]:
    """Lag runs at each count through the gateway; memory growth at the largest."""
    found = []
    rss: dict[str, float] = {}
    pids = {name: stack.processes[name].pid for name in ("board-roughnator", "gateway")}
    for users in counts:
        with PeakRss(pids) as peak:
            found.append(
                run_push_viewers(
                    [stack.url("gateway")], users, boards="roughnator",
                    tenants=",".join(tenants), measure=max(measure, 30.0), keep=stack.log_dir,
                )
            )  # fmt: skip
        if users == max(counts):
            rss = peak.mb_per_1000(users)
    return found, rss


def measure_orion_freshness(
    stack: LocalStack, tenants: list[str], counts: tuple[int, ...], measure: float
) -> list[PushRunResult]:
    """Lag runs with the simulator sending through Orion, as in production: Orion's
    subscriptions forward each measurement to QL and notify the board, which asks QL at
    once instead of at its next poll."""
    stack.restart("generator", env={"DAZZLER_SIM_MODE": "orion"})
    try:
        return [
            run_push_viewers(
                [stack.url("gateway")], users, boards="roughnator",
                tenants=",".join(tenants), measure=max(measure, 30.0), keep=stack.log_dir,
            )
            for users in counts
        ]  # fmt: skip
    finally:
        stack.restart("generator", env={"DAZZLER_SIM_MODE": ""})


def measure_replicas(
    stack: LocalStack, tenants: list[str], users: int, measure: float, log_dir: Path
) -> tuple[float, PushRunResult]:
    """Viewers split over two more roughnator processes sharing Redis; QL series reads per
    watched series per poll interval, counted at the QL stand-in."""
    env = {
        **stack.env("board-roughnator"),
        "DAZZLER_ROUGHNATOR_REDIS_URL": REPLICA_REDIS,
        "DAZZLER_ROUGHNATOR_PUSH_POLL_SECONDS": f"{PUSH_POLL_SECONDS:g}",
    }
    measure = max(measure, 20.0)
    with board_replicas(env, "board-roughnator", "DAZZLER_ROUGHNATOR_", 2, log_dir) as urls:
        start_after = users / SPAWN_RATE + SETTLE_SECONDS + 1.0
        with Window(stack.url("sim", "ql"), start_after, measure - 2.0) as window:
            result = run_push_viewers(
                urls, users, boards="roughnator", tenants=",".join(tenants), measure=measure,
                extra=["--path-template", "/", "--sign-context"],
                env={"DAZZLER_SHARED_SECRET": stack.backing.shared_secret},
                keep=stack.log_dir,
            )  # fmt: skip
    intervals = window.length / PUSH_POLL_SECONDS
    per_series = window.queries / (result.series * intervals) if result.series else 0.0
    return round(per_series, 2), result


def push_capacity(
    stack: LocalStack,
    tenants: list[str],
    *,
    start: int,
    cap: int,
    bisections: int,
    measure: float,
    out_of_time: Callable[[], bool],
    reference: Callable[[], Step],
) -> Search[PushRunResult]:
    """The most live viewers at p95 lag ≤ 1 s with nothing lost, through the gateway."""

    def run(users: int) -> PushRunResult:
        return run_push_viewers(
            [stack.url("gateway")], users, boards=BOARDS, tenants=",".join(tenants),
            measure=measure, keep=stack.log_dir,
        )  # fmt: skip

    # The gateway holds two sockets per stream; one process reaches the open-file limit
    # (20,000 on some hosts) before 10,000 streams. Its production setting, one worker
    # per core, is what the search goes through.
    stack.restart("gateway", env={"DAZZLER_GATEWAY_WORKERS": str(PUSH_GATEWAY_WORKERS)})
    try:
        return find_capacity(
            run, start=start, cap=cap, bisections=bisections, out_of_time=out_of_time,
            reference=reference,
        )  # fmt: skip
    finally:
        stack.restart("gateway", env={"DAZZLER_GATEWAY_WORKERS": ""})
