from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from dazzler_stack import free_port

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "ql"


@dataclass
class SimProcess:
    process: subprocess.Popen[bytes]
    ql_url: str
    orion_url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait_ready(sim: SimProcess, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sim.process.poll() is not None:
            raise RuntimeError(f"sim exited early with {sim.process.returncode}")
        try:
            httpx.get(f"{sim.ql_url}/version", timeout=1).raise_for_status()
            httpx.get(f"{sim.orion_url}/version", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    sim.stop()
    raise RuntimeError("sim did not become ready")


def _start_sim(*args: str) -> SimProcess:
    """`python -m sim serve` on free ports, ready to answer."""
    ql_port, orion_port = free_port(), free_port()
    env = {**os.environ, "DAZZLER_SIM_LOG_LEVEL": "warning"}
    command = [
        sys.executable, "-m", "sim", "serve", "--host", "127.0.0.1",
        "--ql-port", str(ql_port), "--orion-port", str(orion_port), *args,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env)
    sim = SimProcess(process, f"http://127.0.0.1:{ql_port}", f"http://127.0.0.1:{orion_port}")
    _wait_ready(sim)
    return sim


@pytest.fixture(scope="session")
def sim_server() -> Iterator[SimProcess]:
    """One stand-in process (dialect 1.0.1) shared by tests that use their own tenants."""
    sim = _start_sim("--dialect", "1.0.1")
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def start_sim() -> Iterator[Callable[..., SimProcess]]:
    """Factory for more stand-in processes (extra CLI args); all are stopped at the end."""
    started: list[SimProcess] = []

    def start(*args: str) -> SimProcess:
        sim = _start_sim(*args)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture(scope="session")
def contracts_dir() -> Path:
    return CONTRACTS


@pytest.fixture
def tenant() -> str:
    """A fresh tenant, so tests sharing a server never see each other's data."""
    return f"t{uuid.uuid4().hex[:10]}"


def _wait_until(check: Callable[[], Any], timeout: float = 15.0, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met in {timeout}s (last: {last!r})")


@pytest.fixture
def wait_until() -> Callable[..., Any]:
    """Poll ``check()`` until it returns something truthy; fail after ``timeout`` seconds."""
    return _wait_until


def _run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DAZZLER_SIM_LOG_LEVEL": "warning"}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m sim <args>`` to completion and return its result."""
    return _run_cli
