"""One bounded run of the push load generator, reduced to the numbers the report needs."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from dazzler_bench.runs import run_generator

LAG_LIMIT_MS = 1000.0
SPAWN_RATE = 200.0
MEASURE_SECONDS = 20.0
SETTLE_SECONDS = 8.0
# One generator process per this many viewers: past a few thousand streams one event loop
# falls behind and the run would measure the generator.
VIEWERS_PER_PROCESS = 2500
# Every viewer's page load (index, layout, dependencies, entity list) costs the box some
# CPU; the window waits for all of them, at least a minute, this long per viewer beyond.
OPEN_WAIT_PER_VIEWER = 0.03


@dataclass(frozen=True, slots=True)
class PushRunResult:
    """What ``loadtest push`` saw in its measured window."""

    users: int
    lag_p50_ms: float
    lag_p95_ms: float
    lag_p99_ms: float
    lag_samples: int
    frames: int
    bytes_per_frame: float
    errors: int
    drops: int
    duplicates: int
    reconnects: int
    streams: int
    series: int
    generator_cpu: float
    generator_bound: bool
    generator_processes: int = 1
    error_samples: tuple[str, ...] = ()
    resets: int = 0
    """Of the drops: streams the board reset (a viewer's queue overflowed, or too old)."""

    @property
    def counted(self) -> bool:
        """A run whose generator ran short of CPU says nothing about the server."""
        return not self.generator_bound

    @property
    def passed(self) -> bool:
        """The push pass rule: p95 lag ≤ 1 s, every viewer measured, nothing lost, repeated
        or reconnected, no error at all, and a generator that kept up."""
        return (
            self.counted
            and self.lag_samples > 0
            and self.lag_p95_ms <= LAG_LIMIT_MS
            and self.streams >= self.users
            and self.errors == self.drops == self.duplicates == self.reconnects == 0
        )

    @property
    def p95_ms(self) -> float:
        return self.lag_p95_ms

    @classmethod
    def from_json(cls, users: int, raw: dict[str, Any]) -> PushRunResult:
        lag = raw.get("lag_ms", {})
        generator = raw.get("generator", {})
        samples = [
            f"{kind}: {text}"
            for kind, texts in (raw.get("error_samples") or {}).items()
            for text in texts[:2]
        ]
        return cls(
            users=users,
            lag_p50_ms=float(lag.get("p50", 0)),
            lag_p95_ms=float(lag.get("p95", 0)),
            lag_p99_ms=float(lag.get("p99", 0)),
            lag_samples=int(raw.get("lag_samples", 0)),
            frames=int(raw.get("frames", 0)),
            bytes_per_frame=float(raw.get("bytes_per_frame", 0)),
            errors=int(raw.get("errors", 0)),
            drops=int(raw.get("drops", 0)),
            duplicates=int(raw.get("duplicates", 0)),
            reconnects=int(raw.get("reconnects", 0)),
            streams=int(raw.get("streams_measured", 0)),
            series=int(raw.get("series", 0)),
            generator_cpu=float(generator.get("cpu_share_mean", 0)),
            generator_bound=bool(generator.get("bound", False)),
            generator_processes=int(generator.get("processes", 1)),
            error_samples=tuple(samples[:6]),
            resets=sum(int(n) for n in (raw.get("resets") or {}).values()),
        )

    @classmethod
    def failed(cls, users: int, why: str) -> PushRunResult:
        """A run that produced no result at all (the generator crashed or timed out)."""
        return cls.from_json(users, {"errors": 1, "error_samples": {"run": [why]}})


def run_push_viewers(
    hosts: Sequence[str],
    users: int,
    *,
    boards: str,
    tenants: str = "demo",
    measure: float = MEASURE_SECONDS,
    settle: float = SETTLE_SECONDS,
    extra: Sequence[str] = (),
    env: dict[str, str] | None = None,
    keep: Path | None = None,
) -> PushRunResult:
    """Hold ``users`` live streams open (own processes, so their CPU is their own); with
    ``keep``, the generator's whole answer of a run that did not pass is kept there."""
    processes = math.ceil(users / VIEWERS_PER_PROCESS)
    open_wait = max(60.0, users * OPEN_WAIT_PER_VIEWER)
    seconds = users / SPAWN_RATE + settle + open_wait + measure + 5
    with tempfile.TemporaryDirectory(prefix="dazzler-push-") as tmp:
        out = Path(tmp) / "push.json"
        command = [
            sys.executable, "-m", "dazzler_loadtest", "push",
            *(arg for host in hosts for arg in ("--host", host)),
            "--viewers", str(users), "--spawn-rate", f"{SPAWN_RATE:g}",
            "--settle", f"{settle:g}", "--measure", f"{measure:g}",
            "--boards", boards, "--tenants", tenants, "--out", str(out),
            "--processes", str(processes), "--open-wait", f"{open_wait:g}s", *extra,
        ]  # fmt: skip
        try:
            # Page loads queue for the generator's loading slots, and the window waits for
            # every stream: the ramp may take well over users / rate.
            done = run_generator(command, env=env, timeout=2 * seconds + 120)
            raw = json.loads(out.read_text()) if out.exists() else None
        except subprocess.TimeoutExpired:
            raw, done = None, None
    if raw is None:
        tail = done.stderr[-300:] if done is not None else "timed out"
        result = PushRunResult.failed(users, f"no result: {tail}")
    else:
        result = PushRunResult.from_json(users, raw)
        if keep is not None and not result.passed:
            keep.mkdir(parents=True, exist_ok=True)
            kept = keep / f"push-{users}-{time.strftime('%H%M%S')}.json"
            kept.write_text(json.dumps(raw, indent=1))
    bound = " (generator-bound, not counted)" if result.generator_bound else ""
    print(
        f"bench:   push {users} viewers: lag p95 {result.lag_p95_ms:.0f} ms, "
        f"{result.frames} frames, {result.errors} errors, {result.drops} drops "
        f"({result.resets} resets), "
        f"{result.reconnects} reconnects, generator CPU {result.generator_cpu:.0%} "
        f"in {result.generator_processes} processes{bound} "
        f"{list(result.error_samples)[:2]}",
        file=sys.stderr,
        flush=True,
    )
    return result


class PeakRss:
    """The highest resident memory of some processes while in the ``with`` block."""

    def __init__(self, pids: dict[str, int], period: float = 0.5) -> None:
        self.processes = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.before = {name: p.memory_info().rss for name, p in self.processes.items()}
        self.peak = dict(self.before)
        self.period = period
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self.stopped.wait(self.period):
            for name, process in self.processes.items():
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                self.peak[name] = max(self.peak[name], rss)

    def mb_per_1000(self, viewers: int) -> dict[str, float]:
        """Growth of each process per 1,000 viewers, MiB."""
        return {
            name: round((self.peak[name] - self.before[name]) / 2**20 * 1000 / max(1, viewers), 1)
            for name in self.processes
        }

    def __enter__(self) -> PeakRss:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopped.set()
        self.thread.join()
