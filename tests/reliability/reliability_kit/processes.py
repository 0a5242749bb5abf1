"""Private backing servers and restartable service processes for fault tests.

Faults are injected into servers the suite owns: a redis-server and a PostgreSQL cluster
on free ports in temporary directories. The machine's own Redis (6379) and PostgreSQL
(5432) are only ever used for throw-away databases, never stopped.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

import httpx
from dazzler_stack import LocalStack, free_port, service_spec, wait_ready

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def wait_port(port: int, timeout: float = 20.0, *, host: str = "127.0.0.1") -> None:
    """Wait until something accepts TCP connections on ``port``."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on {host}:{port} after {timeout} s")
        time.sleep(0.05)


class PrivateRedis:
    """A redis-server on a free port, without persistence, that tests may stop and start."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dz-redis-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def keys(self) -> int:
        """How many keys the server holds (the redis CLI protocol, kept tiny on purpose)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            conn.sendall(b"DBSIZE\r\n")
            reply = conn.recv(64)
        return int(reply.strip().lstrip(b":"))

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivatePostgres:
    """A PostgreSQL 15 cluster in a temporary directory, run as the ``postgres`` user."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dz-pg-"))
        self.data = self.dir / "data"
        self._user = pwd.getpwnam("postgres")
        os.chown(self.dir, self._user.pw_uid, self._user.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str) -> None:
        subprocess.run(
            list(argv),
            check=True,
            capture_output=True,
            user="postgres",
            cwd=self.dir,
            timeout=60,
        )

    def init(self) -> None:
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def machine_database() -> tuple[str, str]:
    """Create an empty database on the machine's PostgreSQL; return (name, URL)."""
    name = f"dz_rel_{uuid.uuid4().hex[:12]}"
    _psql(f"CREATE DATABASE {name}")
    return name, f"postgresql://postgres@127.0.0.1:5432/{name}"


def drop_machine_database(name: str) -> None:
    _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


def stop_service(stack: LocalStack, name: str, *, kill: bool = False) -> None:
    """Stop one process of ``stack`` (SIGKILL with ``kill``, as a crash would)."""
    process = stack.processes.pop(name)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    process.wait(15)


def start_service(
    stack: LocalStack,
    name: str,
    *,
    key: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    probe: str | None = None,
) -> None:
    """Start service ``name`` of ``stack`` again (or an extra copy under ``key``).

    The process joins ``stack.processes`` so that the stack's ``stop()`` ends it too.
    """
    spec = service_spec(name)
    full_env = stack.env(name)
    full_env.update(env or {})
    log = (stack.log_dir / f"{key or name}.log").open("ab")
    with log:
        process = subprocess.Popen(
            [stack.python, *spec.argv],
            env=full_env,
            cwd=stack.cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack.processes[key or name] = process
    url = probe or stack.url(name, spec.port_names[0]) + spec.ready_path
    wait_ready({key or name: url}, timeout, check_alive=stack.exited)


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and its children, from /proc."""
    total = 0
    for member in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            for child in text:
                found.append(int(child))
                found.extend(_children(int(child)))
    return found


def http_ok(url: str) -> bool:
    """Whether ``url`` answers 200 right now."""
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
