"""The benchmark script still runs end to end (tiny numbers; the output is not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "board_bench.py"


@pytest.mark.integration
@pytest.mark.slow
def test_bench_prints_every_number():
    done = subprocess.run(
        [sys.executable, str(BENCH), "--tenants", "5", "--ticks", "1", "--requests", "20"],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    for label in ("board RSS after 1 tenant", "bytes per tick per viewer", "p50", "p99"):
        assert label in done.stdout
