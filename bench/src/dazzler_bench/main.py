"""``python -m dazzler_bench``: measure everything on this machine, write the report.

Runs, in one go and within a time budget: proxies compared on one board, the stepped
capacity search, QuantumLeap queries against viewers, board memory against tenants and
bytes per tick, the first-Dazzler baseline under the same polling load, and an open-model
check at the saturation point, then the push figures (freshness, bytes and memory per
viewer, QL queries over two replicas, the most viewers at p95 lag ≤ 1 s). Ends by
printing one ``name: value`` line per figure.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from dazzler_loadtest.push import raise_open_files
from dazzler_stack import LocalStack

from dazzler_bench.capacity import Search, find_capacity
from dazzler_bench.openmodel import OpenResult, record_polls, run_open
from dazzler_bench.page_weight import BOARDS, measure_boards
from dazzler_bench.processes import baseline_app, nginx_in_front
from dazzler_bench.push_bench import (
    PushFindings,
    measure_freshness,
    measure_orion_freshness,
    measure_replicas,
    push_capacity,
)
from dazzler_bench.push_runs import PushRunResult
from dazzler_bench.ql_load import Window
from dazzler_bench.report import Report
from dazzler_bench.runs import RunResult, run_viewers
from dazzler_bench.setup import bench_stack, tenant_names

ROOT = Path(__file__).resolve().parents[3]
INTERVAL = 5.0
HIDDEN_SHARE = 0.2
HIDDEN_PERIOD = 60.0
OPEN_FILES = 65536
# The polling sections' share of the budget: their searches stop starting runs at marks
# within it; the push section, whose steps hold thousands of streams, has the rest.
POLLING_SHARE = 0.45


@dataclass(frozen=True, slots=True)
class Plan:
    """How big the bench is: the full one, or ``--quick`` to check the machinery."""

    tenants: int = 10
    proxy_viewers: int = 150
    capacity_start: int = 100
    capacity_cap: int = 3200
    baseline_start: int = 10
    baseline_cap: int = 1600
    ql_viewers: tuple[int, ...] = (1, 10, 100, 1000)
    rss_tenants: tuple[int, ...] = (1, 3, 10)
    measure: float = 20.0
    bisections: int = 2
    reference_viewers: int = 20
    # Doubling from 2,500 reaches the 10,000 goal in three steps; past it the generator's
    # processes would need more of the two cores than the server under test.
    push_start: int = 2500
    push_cap: int = 10000
    push_freshness: tuple[int, ...] = (1, 1000)
    push_replica_viewers: int = 1000

    @classmethod
    def quick(cls) -> Plan:
        return cls(
            tenants=3, proxy_viewers=10, capacity_start=10, capacity_cap=20, baseline_start=5,
            baseline_cap=10, ql_viewers=(1, 10), rss_tenants=(1, 3), measure=6.0, bisections=0,
            reference_viewers=5, push_start=10, push_cap=20, push_freshness=(1, 10),
            push_replica_viewers=10,
        )  # fmt: skip


@dataclass(slots=True)
class Bench:
    """Shared state of one bench: the stack, the clock, what was measured."""

    stack: LocalStack
    tenants: list[str]
    plan: Plan
    deadline: float
    report: Report
    figures: dict[str, Any] = field(default_factory=dict)

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline

    def viewers(self, host: str, users: int, **kwargs: Any) -> RunResult:
        kwargs.setdefault("measure", self.plan.measure)
        return run_viewers(host, users, **kwargs)


def viewer_args(*, hidden: float = HIDDEN_SHARE, interactions: float = 0.0) -> list[str]:
    return [
        "--hidden-share", f"{hidden:g}", "--hidden-period", f"{HIDDEN_PERIOD:g}",
        "--interaction-every", f"{interactions:g}",
    ]  # fmt: skip


def page_weight(bench: Bench) -> None:
    """6. Bytes on the wire per board page: first visit, repeat visit, board switch."""
    weights = measure_boards(bench.stack.url("gateway"), list(BOARDS))
    bench.report.page_weight(weights)
    for weight in weights:
        for name, value in weight.figures().items():
            bench.figures[f"{weight.board}_{name}"] = value


def proxies(bench: Bench) -> None:
    """1. The same board straight, behind nginx, behind the gateway."""
    stack = bench.stack
    direct = stack.url("board-roughnator")
    signed = {"DAZZLER_SHARED_SECRET": stack.backing.shared_secret}
    plain = [*viewer_args(hidden=0.0), "--path-template", "/", "--sign-context"]
    users = bench.plan.proxy_viewers
    results: dict[str, RunResult] = {}
    results["direct"] = bench.viewers(direct, users, boards="roughnator", extra=plain, env=signed)
    with nginx_in_front(direct) as nginx:
        results["nginx"] = bench.viewers(nginx, users, boards="roughnator", extra=plain, env=signed)
    results["gateway"] = bench.viewers(
        stack.url("gateway"), users, boards="roughnator", extra=viewer_args(hidden=0.0)
    )
    bench.report.proxies(users, results, _proxy_bench())
    gw, ng, di = results["gateway"], results["nginx"], results["direct"]
    bench.figures["gateway_vs_nginx_p50_ratio"] = _ratio(gw.poll_p50_ms, ng.poll_p50_ms)
    bench.figures["gateway_vs_nginx_p95_ratio"] = _ratio(gw.poll_p95_ms, ng.poll_p95_ms)
    bench.figures["gateway_vs_direct_p95_ratio"] = _ratio(gw.poll_p95_ms, di.poll_p95_ms)
    bench.figures["proxy_runs_failures"] = sum(r.failures for r in results.values())


def _proxy_bench() -> dict[str, Any] | None:
    """The gateway's own proxy bench (trivial Dash app), when it is there and works."""
    script = ROOT / "services" / "gateway" / "bench" / "proxy_bench.py"
    if not script.exists():
        return None
    try:
        done = subprocess.run(
            [sys.executable, str(script), "--json", "--duration", "3", "--rounds", "1"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        parsed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return parsed
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        return None


def reference(bench: Bench) -> RunResult:
    """The in-run reference run between the steps of a search: a small polling load
    through the gateway that passes on a quiet machine. When it fails, the searched
    figures of this run are reported as disturbed instead."""
    return bench.viewers(
        bench.stack.url("gateway"), bench.plan.reference_viewers, boards="roughnator",
        tenants=",".join(bench.tenants), measure=10.0, settle=4.0, extra=viewer_args(hidden=0.0),
    )  # fmt: skip


def capacity(bench: Bench) -> Search[RunResult]:
    """2. The most live viewers held at p95 ≤ 250 ms with no failure, through the gateway."""
    host = bench.stack.url("gateway")
    tenants = ",".join(bench.tenants)

    def run(users: int) -> RunResult:
        return bench.viewers(
            host, users, boards="roughnator", tenants=tenants,
            extra=viewer_args(interactions=120.0),
        )  # fmt: skip

    search = find_capacity(
        run,
        start=bench.plan.capacity_start,
        cap=bench.plan.capacity_cap,
        bisections=bench.plan.bisections,
        out_of_time=bench.out_of_time,
        reference=lambda: reference(bench),
    )
    bench.figures["max_viewers_p95_250ms"] = search.figure()
    return search


def baseline(bench: Bench, log_dir: Path) -> Search[RunResult]:
    """5. The same polling load against the first-Dazzler stand-in."""
    with baseline_app(bench.stack.url("sim", "ql"), "demo", log_dir / "baseline.log") as (url, pid):

        def run(users: int) -> RunResult:
            return bench.viewers(
                url, users, boards="roughnator", extra=[*viewer_args(), "--path-template", "/"]
            )

        search = find_capacity(
            run,
            start=bench.plan.baseline_start,
            cap=bench.plan.baseline_cap,
            bisections=bench.plan.bisections,
            out_of_time=bench.out_of_time,
            # Dazzler's own small load between the baseline's steps: a baseline that
            # collapses while the reference holds is the baseline; both failing is the box.
            reference=lambda: reference(bench),
        )
        bench.figures["baseline_rss_mb"] = round(psutil.Process(pid).memory_info().rss / 2**20, 1)
    bench.figures["baseline_max_viewers_p95_250ms"] = search.figure()
    dazzler = bench.figures.get("max_viewers_p95_250ms", 0)
    bench.figures["gain_vs_baseline_ratio"] = _ratio(dazzler, search.figure())
    return search


def ql_queries(bench: Bench) -> list[tuple[int, float, RunResult]]:
    """3. Series queries per viewed entity per tick, for 1, 10, 100, 1,000 viewers."""
    host = bench.stack.url("gateway")
    found = []
    for users in bench.plan.ql_viewers:
        if bench.out_of_time():
            break
        ramp = users / 50.0
        settle = 6.0
        measure = max(bench.plan.measure, 32.0)
        # Round robin over tenants, everyone on roughnator's default entity and window:
        # the distinct series on screen are exactly min(viewers, tenants).
        entities = min(users, len(bench.tenants))
        with Window(bench.stack.url("sim", "ql"), ramp + settle + 1.0, measure - 2.0) as window:
            result = bench.viewers(
                host, users, boards="roughnator", tenants=",".join(bench.tenants),
                measure=measure, settle=settle,
                extra=[*viewer_args(hidden=0.0), "--assign", "roundrobin"],
            )  # fmt: skip
        per_tick = window.queries / (entities * (window.length / INTERVAL))
        found.append((users, round(per_tick, 2), result))
        bench.figures[f"ql_queries_per_entity_per_tick_at_{users}_viewers"] = round(per_tick, 2)
    return found


def memory(bench: Bench) -> list[tuple[int, float]]:
    """4. The roughnator service's resident memory as more tenants are viewed."""
    pid = bench.stack.processes["board-roughnator"].pid
    board = psutil.Process(pid)
    found = [(0, board.memory_info().rss / 2**20)]
    for count in bench.plan.rss_tenants:
        if bench.out_of_time():
            break
        tenants = ",".join(bench.tenants[:count])
        bench.viewers(
            bench.stack.url("gateway"), 10 * count, boards="roughnator", tenants=tenants,
            measure=8.0, settle=4.0, extra=[*viewer_args(), "--assign", "roundrobin"],
        )  # fmt: skip
        found.append((count, board.memory_info().rss / 2**20))
    for count, rss in found:
        bench.figures[f"board_rss_mb_at_{count}_tenants"] = round(rss, 1)
    return found


def tick_bytes(bench: Bench) -> dict[str, float]:
    """Bytes one viewer receives per tick: poll answers, as sent (gzip) and unpacked."""
    pages = [f"{bench.stack.url('gateway')}/dazzler/demo/-/roughnator/"]
    polls = record_polls(pages)
    url, body = polls[0]
    sizes = {"wire": 0.0, "json": 0.0}
    with httpx.Client(headers={"Accept-Encoding": "gzip"}) as client:
        for _ in range(3):
            response = client.post(url, json=body)
            sizes["wire"] = float(response.num_bytes_downloaded)
            sizes["json"] = float(len(response.content))
            time.sleep(INTERVAL)
    bench.figures["bytes_per_tick_per_viewer_wire"] = int(sizes["wire"])
    bench.figures["bytes_per_tick_per_viewer_json"] = int(sizes["json"])
    return sizes


def open_model(bench: Bench, viewers: int) -> list[OpenResult]:
    """The saturation point again, with polls arriving at a fixed rate."""
    gateway = bench.stack.url("gateway")
    pages = [f"{gateway}/dazzler/{t}/-/roughnator/" for t in bench.tenants]
    polls = record_polls(pages)
    rate = viewers * ((1 - HIDDEN_SHARE) / INTERVAL + HIDDEN_SHARE / HIDDEN_PERIOD)
    results = []
    for factor in (1.0, 1.5):
        if bench.out_of_time() or not polls or rate <= 0:
            break
        results.append(run_open(rate * factor, max(bench.plan.measure, 10.0), polls))
    if results:
        first = results[0]
        bench.figures["open_model_p95_ms_at_max_viewers"] = round(first.p95_ms, 1)
        bench.figures["open_model_failures_at_max_viewers"] = first.failures
    return results


def push(bench: Bench, poll: Search[RunResult] | None) -> PushFindings:
    """7. Pushed live updates: freshness, bytes and memory per viewer, QL queries across
    two replicas, then the most viewers held at p95 lag ≤ 1 s."""
    plan, stack = bench.plan, bench.stack
    found = PushFindings()
    found.freshness, found.rss_mb_per_1000 = measure_freshness(
        stack, bench.tenants, plan.push_freshness, plan.measure
    )
    for run in found.freshness:
        bench.figures[f"freshness_p95_s_at_{run.users}_viewers"] = _freshness(run)
    found.orion_freshness = measure_orion_freshness(
        stack, bench.tenants, plan.push_freshness, plan.measure
    )
    for run in found.orion_freshness:
        key = f"freshness_p95_s_at_{run.users}_viewers_through_orion"
        bench.figures[key] = _freshness(run)
    largest = found.freshness[-1]
    bench.figures["push_bytes_per_tick_per_viewer"] = round(largest.bytes_per_frame)
    for name, mb in found.rss_mb_per_1000.items():
        bench.figures[f"rss_mb_per_1000_push_viewers_{name.removeprefix('board-')}"] = mb
    if not bench.out_of_time():
        per_series, found.replica_run = measure_replicas(
            stack, bench.tenants, plan.push_replica_viewers, plan.measure, stack.log_dir
        )
        found.ql_per_series_per_interval = per_series
        key = f"ql_queries_per_series_per_interval_at_{plan.push_replica_viewers}_viewers"
        bench.figures[f"{key}_2_replicas"] = per_series
    found.search = push_capacity(
        stack, bench.tenants, start=plan.push_start, cap=plan.push_cap,
        bisections=plan.bisections, measure=plan.measure, out_of_time=bench.out_of_time,
        reference=lambda: reference(bench),
    )  # fmt: skip
    search = found.search
    low, high = search.spread()
    bench.figures["max_push_viewers_lag_1s"] = search.figure()
    bench.figures["max_push_viewers_lag_1s_p95_spread_ms"] = f"{low:.0f}-{high:.0f}"
    if search.generator_bound:
        bench.figures["max_push_viewers_lag_1s_note"] = "a step above was generator-bound"
    if poll is not None:
        bench.figures["push_vs_poll_viewers_ratio"] = _ratio(search.figure(), poll.figure())
    return found


def _freshness(run: PushRunResult) -> float | str:
    """A freshness run's p95 lag in seconds, or why it has none to trust."""
    if not run.counted:
        return "generator-bound, not counted"
    if not run.lag_samples:
        return "no points"
    return round(run.lag_p95_ms / 1000, 2)


def _ratio(a: float | str, b: float | str) -> float | str:
    """``a / b``; "disturbed" when either figure is."""
    if isinstance(a, str) or isinstance(b, str):
        return "disturbed"
    return round(a / b, 2) if b else 0.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m dazzler_bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench", help="Report directory.")
    parser.add_argument("--budget", type=float, default=3900.0, help="Seconds for the whole run.")
    parser.add_argument("--quick", action="store_true", help="Tiny sizes: checks the machinery.")
    parser.add_argument(
        "--only",
        choices=["push"],
        default=None,
        help="Only this section (push: freshness, bytes, memory, replicas, push capacity; "
        "without the polling figures there is no push_vs_poll_viewers_ratio).",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every measurement, write ``report.md`` and the plots, print the figures."""
    args = parse_args(argv)
    # Stop cleanly on SIGTERM too (and on SIGINT where a shell started us ignoring it):
    # the stack, nginx and the baseline are torn down by their context managers.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _interrupted)
    plan = Plan.quick() if args.quick else Plan()
    # Every viewer is a socket in the generator, two in the gateway: services started from
    # here inherit the limit.
    raise_open_files(OPEN_FILES)
    began = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    report = Report(args.out, quick=args.quick)
    tenants = tenant_names(plan.tenants)
    with bench_stack(tenants) as stack:
        # The capacity search and the baseline search share what is left after the
        # shorter measurements; each stops starting runs when its share is spent.
        bench = Bench(stack, tenants, plan, began + args.budget * POLLING_SHARE * 0.67, report)
        dazzler = None
        if args.only != "push":
            dazzler = polling(bench, began, args.budget)
        bench.deadline = began + args.budget
        _say("push")
        report.push(push(bench, dazzler), bench.figures)
    report.write(bench.figures, time.monotonic() - began)
    for name, value in bench.figures.items():
        print(f"{name}: {value}")
    return 0


def polling(bench: Bench, began: float, budget: float) -> Search[RunResult]:
    """Sections 1 to 6: the polling paths, the first-Dazzler baseline, page weight."""
    report, stack = bench.report, bench.stack
    _say("page weight")
    page_weight(bench)
    _say("proxies")
    proxies(bench)
    _say("ql queries")
    report.ql(ql_queries(bench))
    _say("memory and bytes")
    report.memory(memory(bench), tick_bytes(bench))
    _say("capacity")
    dazzler = capacity(bench)
    bench.deadline = began + budget * POLLING_SHARE * 0.92
    _say("baseline")
    base = baseline(bench, stack.log_dir)
    bench.deadline = began + budget * POLLING_SHARE
    report.capacity(dazzler, base, bench.figures)
    _say("open model")
    report.open_model(dazzler.max_viewers, open_model(bench, dazzler.max_viewers))
    return dazzler


def _interrupted(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _say(what: str) -> None:
    print(f"bench: {what} ({time.strftime('%H:%M:%S')})", file=sys.stderr, flush=True)
