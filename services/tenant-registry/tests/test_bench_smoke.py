"""The resolve benchmark still runs (with a handful of requests, numbers not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BENCH = Path(__file__).resolve().parents[1] / "bench" / "resolve_bench.py"


def test_bench_prints_all_three_scenarios(scratch_database_url):
    result = subprocess.run(
        [sys.executable, str(BENCH), "--requests", "5", "--database-url", scratch_database_url],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    lines = {line.split("  ")[0].strip(): line for line in result.stdout.splitlines()[1:]}
    assert set(lines) == {"cache hit", "cache miss", "redis down"}
    assert lines["cache hit"].endswith("reached PostgreSQL   0.0%")
    assert lines["cache miss"].endswith("reached PostgreSQL 100.0%")
    assert lines["redis down"].endswith("reached PostgreSQL 100.0%")
