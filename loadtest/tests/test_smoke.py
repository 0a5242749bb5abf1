"""A short headless locust run against real services: any failed request fails it."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from dazzler_stack import LocalStack

pytestmark = pytest.mark.integration

BOARDS = "roughnator=2,sleuth,raw-materials,tweezers,fams,insight,insight-preview,home"


def test_smoke_run_has_no_failures(stack: LocalStack, tmp_path: Path) -> None:
    prefix = tmp_path / "smoke"
    command = [
        sys.executable, "-m", "dazzler_loadtest",
        "--host", stack.url("gateway"), "--users", "8", "--spawn-rate", "8", "--time", "12s",
        "--boards", BOARDS, "--hidden-share", "0.25", "--interaction-every", "4",
        "--csv", str(prefix),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stderr[-3000:]
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    assert failures == []
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    assert int(rows["page: _dash-layout"]["Request Count"]) >= 8
    assert int(rows["poll"]["Request Count"]) > 0
