"""A short run of the push load generator through the gateway of a real stack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from dazzler_stack import LocalStack

pytestmark = pytest.mark.integration


def test_push_run_in_two_processes_sees_every_point_with_its_lag(stack: LocalStack) -> None:
    command = [
        sys.executable, "-m", "dazzler_loadtest", "push", "--host", stack.url("gateway"),
        "--viewers", "4", "--boards", "roughnator,sleuth", "--settle", "2s",
        "--measure", "6s", "--grace", "2s", "--open-wait", "20s", "--processes", "2",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.stdout, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["errors"] == 0, result["error_samples"]
    assert done.returncode == 0
    assert result["streams_measured"] == 4
    assert result["series"] >= 3  # both roughnator entities and sleuth
    assert result["frames"] > 0
    assert result["lag_samples"] > 0
    assert result["lag_ms"]["p95"] > 0
    assert result["drops"] == 0
    assert result["duplicates"] == 0
    # Two generator processes, each with half the viewers, merged into one result.
    assert result["generator"]["processes"] == 2
    assert [p["samples"] >= 1 for p in result["generator"]["per_process"]] == [True, True]
    assert "cpu_share_mean" in result["generator"]
