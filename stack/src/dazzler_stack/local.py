"""Any subset of the Dazzler services as local processes: the API tests and scripts use."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType

from dazzler_stack.catalogue import ALL_SERVICES, service_spec
from dazzler_stack.health import wait_ready
from dazzler_stack.wiring import Backing, Layout, service_env


class CommandFailed(RuntimeError):
    """A one-shot command (``registry migrate``, ``registry seed-demo``) exited non-zero."""


class LocalStack:
    """Start the named services as processes on free loopback ports, wired to each other.

    Use it as a context manager::

        with LocalStack(["registry", "board-demo", "gateway"],
                        database_url="postgresql://postgres@127.0.0.1:5432/x",
                        redis_url="redis://127.0.0.1:6379/0", seed_demo=True) as stack:
            httpx.get(stack.url("gateway") + "/dazzler/demo/-/")

    Services not in the subset still get a port, so a started gateway points at boards that
    are not running (and answers 502/503 for them). ``env`` adds or overrides variables per
    service. Output of each process goes to ``<log_dir>/<service>.log``.
    """

    def __init__(
        self,
        services: Iterable[str] = ALL_SERVICES,
        *,
        database_url: str,
        redis_url: str = "",
        shared_secret: str | None = None,
        tenant: str = "demo",
        follow_registry: bool = False,
        layout: Layout | None = None,
        env: Mapping[str, Mapping[str, str]] | None = None,
        migrate: bool = True,
        seed_demo: bool = False,
        log_dir: Path | None = None,
        cwd: Path | None = None,
        python: str = sys.executable,
    ) -> None:
        names = list(services)
        for name in names:
            service_spec(name)
        # Start in catalogue order so that dependencies come up first.
        self.services = [name for name in ALL_SERVICES if name in names]
        self.backing = Backing(
            database_url=database_url,
            redis_url=redis_url,
            shared_secret=shared_secret or secrets.token_urlsafe(32),
            tenant=tenant,
            follow_registry=follow_registry,
        )
        self.layout = layout or Layout.free()
        self._extra_env = {name: dict(values) for name, values in (env or {}).items()}
        self._migrate = migrate
        self._seed_demo = seed_demo
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix="dazzler-stack-"))
        self.cwd = cwd
        self.python = python
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def url(self, service: str, socket: str = "http") -> str:
        """Return the base URL of ``service`` (``socket`` ``"ql"``/``"orion"`` for the sim)."""
        return self.layout.url(service, socket)

    def env(self, service: str) -> dict[str, str]:
        """Return the full environment ``service`` is (or would be) started with."""
        env = dict(os.environ)
        env.update(service_env(service, self.layout, self.backing))
        env.update(self._extra_env.get(service, {}))
        return env

    def run_command(self, service: str, *args: str, timeout: float = 120.0) -> str:
        """Run ``python -m <service's module> <args>`` once with the service's environment.

        Return its output; raise :class:`CommandFailed` with that output if it fails.
        """
        argv = [self.python, "-m", service_spec(service).module, *args]
        result = subprocess.run(
            argv,
            env=self.env(service),
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
        output = result.stdout.decode(errors="replace")
        if result.returncode != 0:
            raise CommandFailed(f"{' '.join(argv[1:])} exited {result.returncode}:\n{output}")
        return output

    def start(self, timeout: float = 90.0) -> None:
        """Start every service and wait until each answers its readiness probe.

        On failure everything started is stopped again and :class:`NotReady` (or
        :class:`CommandFailed`) is raised with the tail of the failing service's log.
        """
        try:
            if "registry" in self.services:
                if self._migrate:
                    self.run_command("registry", "migrate")
                if self._seed_demo:
                    self.run_command("registry", "seed-demo")
            for name in self.services:
                self._spawn(name)
            wait_ready(self.probes(), timeout, check_alive=self.exited)
        except BaseException as exc:
            logs = "\n".join(f"--- {name}.log\n{self.log_tail(name)}" for name in self.processes)
            self.stop()
            if logs:
                exc.add_note(logs)
            raise

    def probes(self) -> dict[str, str]:
        """Return the readiness URL of every socket, keyed ``service`` or ``service/socket``."""
        probes = {}
        for name in self.services:
            spec = service_spec(name)
            for index, socket in enumerate(spec.port_names):
                key = name if index == 0 else f"{name}/{socket}"
                probes[key] = self.layout.url(name, socket) + spec.ready_path
        return probes

    def exited(self) -> str | None:
        """Return the name of a started service whose process has exited, if any."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name
        return None

    def log_tail(self, service: str, lines: int = 40) -> str:
        """Return the last ``lines`` lines the service has written."""
        path = self.log_dir / f"{service}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every process (SIGTERM, then SIGKILL after ``timeout``) with its children."""
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
            else:
                # Children a service forked may outlive it; the group takes them too.
                _signal_group(process, signal.SIGKILL)
        self.processes.clear()

    def is_running(self, service: str) -> bool:
        """Whether ``service`` was started and its process has not exited."""
        process = self.processes.get(service)
        return process is not None and process.poll() is None

    def stop_service(self, service: str, *, kill: bool = False, timeout: float = 10.0) -> None:
        """Stop one service (SIGTERM, or SIGKILL at once with ``kill``, as a crash would),
        with its children; the others keep running. Stopping a stopped service does nothing.
        """
        process = self.processes.pop(service, None)
        if process is None:
            return
        _signal_group(process, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
        else:
            _signal_group(process, signal.SIGKILL)

    def start_service(self, service: str, *, wait: bool = True, timeout: float = 60.0) -> None:
        """Start one service again on its ports (or for the first time, when it was not in
        the subset) and, with ``wait``, wait until its readiness probes answer 200.

        Raise ValueError if it is already running, :class:`NotReady` if it does not become
        ready (with the tail of its log attached as a note).
        """
        if self.is_running(service):
            raise ValueError(f"{service} is already running")
        service_spec(service)
        if service not in self.services:
            self.services = [name for name in ALL_SERVICES if name in {*self.services, service}]
        self._spawn(service)
        if not wait:
            return
        probes = {k: v for k, v in self.probes().items() if k.split("/")[0] == service}
        try:
            wait_ready(probes, timeout, check_alive=self.exited)
        except BaseException as exc:
            exc.add_note(f"--- {service}.log\n{self.log_tail(service)}")
            raise

    def restart(
        self,
        service: str,
        *,
        kill: bool = False,
        wait: bool = True,
        timeout: float = 60.0,
        env: Mapping[str, str] | None = None,
    ) -> None:
        """Stop ``service`` (see :meth:`stop_service`) and start it again on the same ports,
        with the same environment (see :meth:`start_service`), changed by ``env`` from now
        on (a value of ``""`` removes the variable the stack was given)."""
        self.stop_service(service, kill=kill)
        if env:
            extra = self._extra_env.setdefault(service, {})
            for name, value in env.items():
                if value:
                    extra[name] = value
                else:
                    extra.pop(name, None)
        self.start_service(service, wait=wait, timeout=timeout)

    def _spawn(self, name: str) -> None:
        spec = service_spec(name)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                [self.python, *spec.argv],
                env=self.env(name),
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)
