"""``python -m dazzler_stack run``: the whole stack on this machine, as `make run` starts it."""

from __future__ import annotations

import os
import re
import secrets
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

import httpx
from honcho.manager import SYSTEM_PRINTER_NAME, Manager
from honcho.printer import Printer

from dazzler_stack.catalogue import ALL_SERVICES, SERVICES
from dazzler_stack.config import Settings
from dazzler_stack.health import NotReady, wait_ready
from dazzler_stack.local import LocalStack
from dazzler_stack.procfile import ProcfileError, find_procfile, load_procfile
from dazzler_stack.summary import StartupSummary, format_summary, service_lines, tenant_boards

TENANT = "demo"
# Lines of a process's own output kept to show when it fails.
TAIL_LINES = 15
# Seconds between the notices naming the services still being waited for.
WAIT_REPORT_SECONDS = 3.0

# honcho reports a process's end and a signal it received as lines of its "system" process.
_STOPPED = re.compile(r"(?P<name>\S+) stopped \(rc=(?P<code>-?\d+)\)")
_SIGNALLED = re.compile(r"SIG\w+ received")

# honcho prints a line and its newline in two writes; the readiness report comes from
# another thread, so without one lock it can land in the middle of a service's log line.
_OUTPUT_LOCK = threading.Lock()


class _LinePrinter(Printer):  # type: ignore[misc]
    """honcho's printer, writing each line whole under the shared output lock.

    It also keeps each process's last lines, and notes the first process that stopped by
    itself (before any SIGINT/SIGTERM made honcho stop them all): the one to blame.
    """

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.tails: dict[str, deque[str]] = {}
        self.first_stop: tuple[str, int] | None = None
        self.signalled = False

    def write(self, message: Any) -> None:
        with _OUTPUT_LOCK:
            super().write(message)
            self._note(str(message.name or ""), message.data)

    def _note(self, name: str, data: str | bytes) -> None:
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        if name != SYSTEM_PRINTER_NAME:
            tail = self.tails.setdefault(name, deque(maxlen=TAIL_LINES))
            tail.extend(text.splitlines())
            return
        line = text.strip()
        if _SIGNALLED.fullmatch(line):
            self.signalled = True
        stopped = _STOPPED.fullmatch(line)
        if stopped and self.first_stop is None and not self.signalled:
            self.first_stop = (stopped["name"], int(stopped["code"]))

    def tail(self, name: str) -> list[str]:
        """The last lines ``name`` wrote, oldest first."""
        with _OUTPUT_LOCK:
            return list(self.tails.get(name, ()))

    def stopped(self) -> str | None:
        """The process that stopped by itself, if one did (for ``wait_ready``)."""
        with _OUTPUT_LOCK:
            return self.first_stop[0] if self.first_stop else None


class _ReportingManager(Manager):  # type: ignore[misc]
    """A honcho manager that starts the readiness watcher once the processes are forked.

    Starting the watcher thread before honcho forks its process runners would fork a
    process with a thread that may hold locks (stdout, the httpx pool).
    """

    def __init__(self, on_started: threading.Thread, printer: _LinePrinter) -> None:
        super().__init__(printer=printer)
        self._on_started = on_started

    def _start(self) -> None:
        super()._start()
        self._on_started.start()


class _Startup:
    """The readiness watcher: says what it waits for, then the summary, or why it gave up."""

    def __init__(
        self,
        stack: LocalStack,
        processes: Mapping[str, str],
        settings: Settings,
        printer: _LinePrinter,
        out: TextIO,
        started: float,
    ) -> None:
        self.stack = stack
        self.processes = list(processes)
        self.settings = settings
        self.printer = printer
        self.out = out
        self.started = started
        self.ready = threading.Event()
        self.gave_up = threading.Event()

    def watch(self) -> None:
        probes = {
            key: url
            for key, url in self.stack.probes().items()
            if key.split("/")[0] in self.processes
        }
        try:
            wait_ready(
                probes,
                self.settings.ready_timeout,
                check_alive=self.printer.stopped,
                on_waiting=self._waiting,
                report_every=WAIT_REPORT_SECONDS,
            )
        except NotReady as exc:
            if self.printer.stopped() is not None:
                return  # the main loop names the process that stopped
            self.gave_up.set()
            pending = sorted({key.split("/")[0] for key in exc.pending})
            self._print(f"Dazzler did not start: {exc}", *self._tails(pending))
            # honcho's own handler stops every process, as on Ctrl+C.
            os.kill(os.getpid(), signal.SIGTERM)
            return
        self.ready.set()
        self._print(format_summary(self._summary()))

    def _waiting(self, pending: Mapping[str, str], waited: float) -> None:
        ready = len(self._probed()) - len(pending)
        by_reason: dict[str, list[str]] = {}
        for key, why in pending.items():
            by_reason.setdefault(_short(why), []).append(key)
        waits = "; ".join(f"{', '.join(keys)} ({why})" for why, keys in by_reason.items())
        self._print(
            f"Starting ({waited:.0f} s, {ready} of {len(self._probed())} ready): "
            f"waiting for {waits}"
        )

    def _probed(self) -> list[str]:
        return [key for key in self.stack.probes() if key.split("/")[0] in self.processes]

    def _summary(self) -> StartupSummary:
        gateway = self.stack.url("gateway")
        registry = self.stack.url("registry")
        with httpx.Client(timeout=5.0) as client:
            tenants, more, problem = tenant_boards(client, registry, gateway)
        metrics = self.stack.url("gateway", "metrics") + "/metrics"
        return StartupSummary(
            gateway=gateway,
            services=service_lines(self.processes, self.stack.layout),
            tenants=tenants,
            more_tenants=more,
            registry=registry,
            metrics=metrics if "gateway" in self.processes else "",
            seconds=time.monotonic() - self.started,
            tenant_problem=problem,
        )

    def _tails(self, names: list[str]) -> list[str]:
        lines = []
        for name in names:
            tail = self.printer.tail(name)
            lines.append(f"Last lines of {name}:" if tail else f"{name} wrote nothing.")
            lines += [f"  {line}" for line in tail]
        return lines

    def report_stop(self, name: str, code: int) -> None:
        """Name the process that ended by itself, with its last lines."""
        when = "after start-up" if self.ready.is_set() else "while the stack was starting"
        self._print(
            f"Dazzler stopped: {name} exited with code {code} {when}; every other "
            "process was stopped.",
            *self._tails([name]),
        )

    def _print(self, *lines: str) -> None:
        with _OUTPUT_LOCK:
            self.out.write("\n".join(lines) + "\n")
            self.out.flush()


def _short(why: str) -> str:
    # "HTTP 503: {…}" says enough before the colon; a refused connection, that the
    # process does not listen yet.
    head = why.split(":", 1)[0]
    return "not listening yet" if head == "ConnectError" else head


def run(settings: Settings, out: TextIO = sys.stdout) -> int:
    """Migrate and seed the registry, start every Procfile process, report readiness.

    Block until SIGINT/SIGTERM (or until a process ends) and return the exit status: 0
    after a signal, non-zero when the stack did not start or a process ended by itself.
    """
    started = time.monotonic()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    stack = LocalStack(
        ALL_SERVICES,
        database_url=settings.registry_database_url(),
        redis_url=settings.redis_url,
        # A secret set by the user lets extra boards started by hand join this stack.
        shared_secret=os.environ.get("DAZZLER_SHARED_SECRET") or secrets.token_urlsafe(32),
        tenant=TENANT,
        # Tenants added with `python -m registry tenants add` get live data too.
        follow_registry=True,
        layout=settings.layout(),
    )
    procfile = settings.procfile or find_procfile(Path.cwd())
    processes = load_procfile(procfile)
    unknown = set(processes) - set(SERVICES)
    if unknown:
        raise ProcfileError(f"{procfile}: unknown processes {sorted(unknown)}")

    print(f"Preparing the registry database ({_redacted(stack.backing.database_url)})", file=out)
    stack.run_command("registry", "migrate")
    stack.run_command("registry", "seed-demo")

    printer = _LinePrinter(out)
    startup = _Startup(stack, processes, settings, printer, out, started)
    watcher = threading.Thread(target=startup.watch, name="readiness", daemon=True)
    manager = _ReportingManager(watcher, printer)
    bin_dir = str(Path(stack.python).parent)
    for name, command in processes.items():
        env = stack.env(name)
        # The Procfile says `python`: make it this interpreter, with this environment's tools.
        env["PYTHON"] = stack.python
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
        manager.add_process(name, command, env=env, cwd=str(procfile.parent))
    manager.loop()
    if startup.gave_up.is_set():
        return 1
    if printer.first_stop is not None:
        name, code = printer.first_stop
        startup.report_stop(name, code)
        return code if code > 0 else 1
    # Stopping on SIGINT/SIGTERM is how a run normally ends.
    return 0


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{host}"
