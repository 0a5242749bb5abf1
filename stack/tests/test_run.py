from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from dazzler_stack import free_ports

pytestmark = pytest.mark.integration


def _start(tmp_path: Path, procfile: str, **env: str) -> tuple[subprocess.Popen[str], int, int]:
    (tmp_path / "Procfile").write_text(procfile)
    gateway, registry = free_ports(2)
    child_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DAZZLER_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    child_env.update(DAZZLER_PORT=str(gateway), DAZZLER_STACK_REGISTRY_PORT=str(registry), **env)
    process = subprocess.Popen(
        [sys.executable, "-m", "dazzler_stack", "run"],
        cwd=tmp_path,
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return process, gateway, registry


def _reap(process: subprocess.Popen[str]) -> None:
    # The whole process group: a service left behind would keep the output pipe open.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)


def _read_until(process: subprocess.Popen[str], prefix: str) -> list[str]:
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith(prefix):
            return lines
    raise AssertionError("".join(lines))


def test_run_seeds_sqlite_reports_ready_and_stops_on_sigterm(tmp_path: Path) -> None:
    process, gateway, registry = _start(tmp_path, 'registry: exec "$PYTHON" -m registry serve\n')
    try:
        lines = _read_until(process, "Press Ctrl+C")
        assert any(line.startswith("Dazzler is ready: http://") for line in lines)
        routes = httpx.get(f"http://127.0.0.1:{registry}/v1/routes/demo").json()
        assert {b["board"] for b in routes["boards"]} >= {"demo", "roughnator", "tweezers"}
        assert (tmp_path / "var" / "registry.sqlite3").is_file()
        summary = "".join(lines[next(i for i, x in enumerate(lines) if "is ready" in x) :])
        # Each running process with its address and state, each tenant with its boards.
        assert re.search(rf"registry +http://127\.0\.0\.1:{registry} +ready", summary)
        assert "gateway " not in summary  # not in this Procfile, so not claimed ready
        assert f"http://127.0.0.1:{gateway}/dazzler/demo/-/roughnator/" in summary
        assert re.search(r"^  demo$", summary, re.MULTILINE)
        assert f"http://127.0.0.1:{registry}/v1/admin/" in summary
        assert f"http://127.0.0.1:{registry}/docs" in summary
        assert re.search(r"Start-up took \d+\.\d s", summary)
        assert httpx.get(f"http://127.0.0.1:{registry}/docs").status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        _reap(process)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{registry}/healthz")


def test_run_gives_up_when_a_service_never_gets_ready(tmp_path: Path) -> None:
    # A gateway alone: its registry port is closed, so it never becomes ready.
    process, gateway, _ = _start(
        tmp_path,
        'gateway: exec "$PYTHON" -m gateway\n',
        DAZZLER_STACK_READY_TIMEOUT="5",
    )
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        _reap(process)
    assert process.returncode == 1
    # While waiting it says for what; giving up, it names it with its last lines.
    assert re.search(r"^Starting \(\d+ s, \d of 2 ready\): waiting for gateway", output, re.M)
    verdict = output.split("Dazzler did not start", 1)[1]
    assert "gateway" in verdict
    # On a busy machine the gateway may not have written a line in 5 s; either is said.
    assert "Last lines of gateway:" in verdict or "gateway wrote nothing." in verdict
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{gateway}/healthz")


def test_run_names_a_process_that_fails_to_start_and_stops_the_rest(tmp_path: Path) -> None:
    process, _, registry = _start(
        tmp_path,
        'registry: exec "$PYTHON" -m registry serve\n'
        'board-demo: echo "loading boards"; echo "cannot read the board spec" >&2; exit 3\n',
    )
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        _reap(process)
    assert process.returncode == 3
    verdict = output.split("Dazzler stopped: ", 1)[1]
    assert verdict.startswith("board-demo exited with code 3 while the stack was starting")
    assert "Last lines of board-demo:\n  loading boards\n  cannot read the board spec" in verdict
    assert "is ready" not in output
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{registry}/healthz")
