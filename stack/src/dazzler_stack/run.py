"""``python -m dazzler_stack run``: the whole stack on this machine, as `make run` starts it."""

from __future__ import annotations

import os
import secrets
import signal
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

import httpx
from honcho.manager import Manager
from honcho.printer import Printer

from dazzler_stack.catalogue import ALL_SERVICES, SERVICES
from dazzler_stack.config import Settings
from dazzler_stack.health import NotReady, wait_ready
from dazzler_stack.local import LocalStack
from dazzler_stack.procfile import ProcfileError, find_procfile, load_procfile

READY_PREFIX = "Dazzler is ready"
TENANT = "demo"


# honcho prints a line and its newline in two writes; the readiness report comes from
# another thread, so without one lock it can land in the middle of a service's log line.
_OUTPUT_LOCK = threading.Lock()


class _LinePrinter(Printer):  # type: ignore[misc]
    """honcho's printer, writing each line whole under the shared output lock."""

    def write(self, message: Any) -> None:
        with _OUTPUT_LOCK:
            super().write(message)


class _ReportingManager(Manager):  # type: ignore[misc]
    """A honcho manager that starts the readiness watcher once the processes are forked.

    Starting the watcher thread before honcho forks its process runners would fork a
    process with a thread that may hold locks (stdout, the httpx pool).
    """

    def __init__(self, on_started: threading.Thread, out: TextIO) -> None:
        super().__init__(printer=_LinePrinter(out))
        self._on_started = on_started

    def _start(self) -> None:
        super()._start()
        self._on_started.start()


def run(settings: Settings, out: TextIO = sys.stdout) -> int:
    """Migrate and seed the registry, start every Procfile process, report readiness.

    Block until SIGINT/SIGTERM (or until a process dies) and return the exit status.
    """
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

    failed = threading.Event()
    watcher = threading.Thread(
        target=_report_when_ready,
        args=(stack, _probes_of(stack, processes), settings, out, failed),
        name="readiness",
        daemon=True,
    )
    manager = _ReportingManager(watcher, out)
    bin_dir = str(Path(stack.python).parent)
    for name, command in processes.items():
        env = stack.env(name)
        # The Procfile says `python`: make it this interpreter, with this environment's tools.
        env["PYTHON"] = stack.python
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
        manager.add_process(name, command, env=env, cwd=str(procfile.parent))
    manager.loop()
    if failed.is_set():
        return 1
    code: int = manager.returncode or 0
    # Stopping on SIGINT/SIGTERM is how a run normally ends.
    return 0 if code in (130, 143, -signal.SIGTERM, -signal.SIGINT) else code


def _report_when_ready(
    stack: LocalStack,
    probes: dict[str, str],
    settings: Settings,
    out: TextIO,
    failed: threading.Event,
) -> None:
    try:
        wait_ready(probes, settings.ready_timeout)
    except NotReady as exc:
        print(f"Dazzler did not start: {exc}", file=sys.stderr, flush=True)
        failed.set()
        # honcho's own handler stops every process, as on Ctrl+C.
        os.kill(os.getpid(), signal.SIGTERM)
        return
    gateway = stack.url("gateway")
    lines = [f"{READY_PREFIX}: {gateway}/dazzler/{TENANT}/-/"]
    lines += [f"  {title}: {url}" for title, url in board_urls(stack, gateway)]
    lines.append("Press Ctrl+C to stop.")
    with _OUTPUT_LOCK:
        out.write("\n".join(lines) + "\n")
        out.flush()


def board_urls(stack: LocalStack, gateway: str) -> list[tuple[str, str]]:
    """Return (title, URL) of every board the registry grants the demo tenant."""
    try:
        response = httpx.get(f"{stack.url('registry')}/v1/routes/{TENANT}", timeout=5.0)
        response.raise_for_status()
        boards: list[dict[str, Any]] = response.json()["boards"]
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        return [("boards unknown", f"the registry did not list them: {exc}")]
    urls = []
    for board in boards:
        mount = str(board["mount_path"]).strip("/")
        path = f"/dazzler/{TENANT}/-/" + (f"{mount}/" if mount else "")
        urls.append((str(board.get("title") or board["board"]), gateway + path))
    return urls


def _probes_of(stack: LocalStack, processes: dict[str, str]) -> dict[str, str]:
    return {key: url for key, url in stack.probes().items() if key.split("/")[0] in processes}


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{host}"
