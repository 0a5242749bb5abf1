from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from dazzler_stack import free_ports

ROOT = Path(__file__).resolve().parents[2]
PORT_SETTINGS = [
    "DAZZLER_PORT",
    "DAZZLER_STACK_GATEWAY_METRICS_PORT",
    "DAZZLER_STACK_REGISTRY_PORT",
    "DAZZLER_STACK_ROUGHNATOR_PORT",
    "DAZZLER_STACK_SLEUTH_PORT",
    "DAZZLER_STACK_FAMS_PORT",
    "DAZZLER_STACK_INSIGHT_PORT",
    "DAZZLER_STACK_DEMO_PORT",
    "DAZZLER_STACK_MONITOR_PORT",
    "DAZZLER_STACK_QL_PORT",
    "DAZZLER_STACK_ORION_PORT",
]


@dataclass
class RunningStack:
    """`python -m dazzler_stack run` in the background, and what it printed."""

    process: subprocess.Popen[str]
    ports: dict[str, int]
    workdir: Path
    lines: list[str] = field(default_factory=list)
    _queue: queue.Queue[str | None] = field(default_factory=queue.Queue)

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['DAZZLER_PORT']}"

    @property
    def ql(self) -> str:
        return f"http://127.0.0.1:{self.ports['DAZZLER_STACK_QL_PORT']}"

    def wait_for_line(self, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=1.0)
            except queue.Empty:
                continue
            if line is None:
                break
            if line.startswith(prefix):
                return line
        output = "\n".join(self.lines[-80:])
        raise AssertionError(f"no line starting with {prefix!r}; output:\n{output}")

    @staticmethod
    def alive(pid: int) -> bool:
        """True for a process that exists and is not a zombie."""
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    def descendants(self) -> set[int]:
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found: set[int] = set()
        todo = [self.process.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found


def _pump(stack: RunningStack) -> None:
    assert stack.process.stdout is not None
    for line in stack.process.stdout:
        stack.lines.append(line.rstrip("\n"))
        stack._queue.put(line.rstrip("\n"))
    stack._queue.put(None)


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[RunningStack]:
    """Start the entry point of `make run` on free ports in an empty working directory."""
    ports = dict(zip(PORT_SETTINGS, free_ports(len(PORT_SETTINGS)), strict=True))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DAZZLER_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update({k: str(v) for k, v in ports.items()})
    env["DAZZLER_STACK_PROCFILE"] = str(ROOT / "Procfile")
    process = subprocess.Popen(
        [sys.executable, "-m", "dazzler_stack", "run"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stack = RunningStack(process=process, ports=ports, workdir=tmp_path)
    pump = threading.Thread(target=_pump, args=(stack,), daemon=True)
    pump.start()
    try:
        yield stack
    finally:
        if process.poll() is None:
            leftovers = stack.descendants()
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
            for pid in leftovers:
                if stack.alive(pid):
                    os.kill(pid, signal.SIGKILL)
        process.wait()
        pump.join(10)
        assert process.stdout is not None
        process.stdout.close()
