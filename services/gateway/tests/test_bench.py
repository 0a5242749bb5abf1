"""The proxy benchmark still runs end to end (a short run; the numbers are not judged)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "proxy_bench.py"
# The benchmark measures the gateway against nginx; without it there is nothing to compare.
NGINX_MISSING = shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists()


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.skipif(
    NGINX_MISSING, reason="nginx not found: install the Debian package with `apt-get install nginx`"
)
def test_proxy_bench_measures_every_target_in_both_configurations() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--duration=0.5",
            "--warmup=0.2",
            "--concurrency=4",
            "--rounds=1",
            "--workers=1,2",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    for target in ("direct", "nginx", "gateway", "nginx-2w", "gateway-2w"):
        for phase in ("latency", "throughput"):
            measured = summary["results"][target][phase]
            assert measured["requests"] > 0, (target, phase)
            assert measured["errors"] == 0, (target, phase)
    assert summary["gateway_vs_nginx_rps"] > 0
    assert summary["gateway_vs_nginx_rps_2w"] > 0
