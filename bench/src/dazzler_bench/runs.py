"""One bounded locust run of Dazzler viewers, reduced to the numbers the report needs."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

P95_LIMIT_MS = 250.0
SPAWN_RATE = 50.0
MEASURE_SECONDS = 20.0
SETTLE_SECONDS = 6.0


@dataclass(frozen=True, slots=True)
class RunResult:
    """A run's steady-state polling numbers and every failure of the whole run."""

    users: int
    poll_count: int
    poll_p50_ms: float
    poll_p95_ms: float
    poll_rps: float
    poll_bytes: float
    requests: int
    failures: int
    rps: float
    cpu_warning: bool
    errors: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """The pass rule of every capacity figure: p95 ≤ 250 ms and no failure at all."""
        return self.failures == 0 and self.poll_count > 0 and self.poll_p95_ms <= P95_LIMIT_MS

    @property
    def counted(self) -> bool:
        return True

    @property
    def p95_ms(self) -> float:
        return self.poll_p95_ms


def run_viewers(
    host: str,
    users: int,
    *,
    boards: str,
    tenants: str = "demo",
    measure: float = MEASURE_SECONDS,
    settle: float = SETTLE_SECONDS,
    extra: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> RunResult:
    """Start ``users`` viewers, let them settle, measure for ``measure`` seconds."""
    ramp = users / SPAWN_RATE
    seconds = ramp + settle + measure
    with tempfile.TemporaryDirectory(prefix="dazzler-bench-") as tmp:
        prefix = Path(tmp) / "run"
        command = [
            sys.executable, "-m", "dazzler_loadtest", "--host", host,
            "--users", str(users), "--spawn-rate", f"{SPAWN_RATE:g}",
            "--time", f"{seconds:.0f}s", "--boards", boards, "--tenants", tenants,
            "--settle", f"{settle:g}", "--csv", str(prefix), *extra,
        ]  # fmt: skip
        done = run_generator(command, env=env, timeout=seconds + 120)
        rows = _rows(Path(f"{prefix}_stats.csv"))
        # Failures count over the whole run, page loads included: stats restart after the
        # settle time, the failures file does not.
        failures, errors = _failures(Path(f"{prefix}_failures.csv"))
    poll = rows.get("poll", {})
    total = rows.get("Aggregated", {})
    result = RunResult(
        users=users,
        poll_count=int(float(poll.get("Request Count", 0))),
        poll_p50_ms=float(poll.get("50%", 0) or 0),
        poll_p95_ms=float(poll.get("95%", 0) or 0),
        poll_rps=float(poll.get("Requests/s", 0) or 0),
        poll_bytes=float(poll.get("Average Content Size", 0) or 0),
        requests=int(float(total.get("Request Count", 0))),
        failures=max(failures, int(float(total.get("Failure Count", 0)))),
        rps=float(total.get("Requests/s", 0) or 0),
        cpu_warning="CPU usage above" in done.stderr,
        errors=errors,
    )
    print(
        f"bench:   {host} {users} viewers: poll p95 {result.poll_p95_ms:.0f} ms, "
        f"{result.poll_rps:.1f} polls/s, {result.failures} failures {list(errors)[:3]}",
        file=sys.stderr,
        flush=True,
    )
    return result


def run_generator(
    command: Sequence[str], *, env: dict[str, str] | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    """A load generator in its own process (its CPU is not ours), output captured."""
    return subprocess.run(
        command,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _rows(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _failures(path: Path) -> tuple[int, tuple[str, ...]]:
    if not path.exists():
        return 0, ()
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = sum(int(row.get("Occurrences", 0) or 0) for row in rows)
    errors = tuple(
        f"{row.get('Occurrences')}x {row.get('Method')} {row.get('Name')}: {row.get('Error')}"
        for row in rows
    )
    return total, errors
