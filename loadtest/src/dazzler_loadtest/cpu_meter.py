"""The load generator's own CPU and event-loop delay, sampled once a second.

A generator short of CPU receives frames late and would blame the server for it; a run
where it (any one of its processes) was busy for more than ``BOUND_SHARE`` of one core,
or whose loop ran late, is reported as generator-bound and not counted.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from dazzler_loadtest.push_ledger import percentile

BOUND_SHARE = 0.85
# Loop delay at which the generator's own receive times are no longer trustworthy.
BOUND_LOOP_DELAY_MS = 200.0
PERIOD = 1.0


@dataclass(slots=True)
class CpuMeter:
    """Samples ``time.process_time`` and the loop's wake-up delay while running."""

    shares: list[float] = field(default_factory=list)
    delays_ms: list[float] = field(default_factory=list)
    measuring: bool = False

    async def run(self) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        while True:
            await asyncio.sleep(PERIOD)
            now_wall, now_cpu = time.perf_counter(), time.process_time()
            if self.measuring:
                self.shares.append((now_cpu - cpu) / (now_wall - wall))
                self.delays_ms.append(max(0.0, (now_wall - wall - PERIOD) * 1000))
            wall, cpu = now_wall, now_cpu

    def summary(self) -> dict[str, Any]:
        mean = sum(self.shares) / len(self.shares) if self.shares else 0.0
        delay = percentile(self.delays_ms, 0.95)
        return {
            "cpu_share_mean": round(mean, 3),
            "cpu_share_peak": round(max(self.shares, default=0.0), 3),
            "loop_delay_p95_ms": round(delay, 1),
            "samples": len(self.shares),
            "bound": mean > BOUND_SHARE or delay > BOUND_LOOP_DELAY_MS,
        }


def generator_summary(processes: list[dict[str, Any]]) -> dict[str, Any]:
    """The generator's figures over all its processes: CPU added up (in cores), the
    worst loop delay, bound when any process was."""
    if len(processes) == 1:
        return {**processes[0], "processes": 1}
    return {
        "cpu_share_mean": round(sum(p["cpu_share_mean"] for p in processes), 3),
        "cpu_share_peak": round(sum(p["cpu_share_peak"] for p in processes), 3),
        "loop_delay_p95_ms": max(p["loop_delay_p95_ms"] for p in processes),
        "samples": min(p["samples"] for p in processes),
        "bound": any(p["bound"] for p in processes),
        "processes": len(processes),
        "per_process": processes,
    }
