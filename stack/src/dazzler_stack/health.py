"""Waiting until processes answer their readiness probes."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import httpx


class NotReady(RuntimeError):
    """Some services did not become ready in time, or one of them exited while starting."""

    def __init__(self, message: str, pending: Mapping[str, str]) -> None:
        super().__init__(message)
        self.pending = dict(pending)


def wait_ready(
    probes: Mapping[str, str],
    timeout: float = 120.0,
    *,
    check_alive: Callable[[], str | None] | None = None,
    interval: float = 0.2,
    on_waiting: Callable[[Mapping[str, str], float], None] | None = None,
    report_every: float = 3.0,
) -> None:
    """Poll every probe URL until each answers 200.

    ``probes`` maps a service name to its probe URL. ``check_alive`` is called between
    rounds and returns the name of a process that has exited (so waiting is pointless), or
    None. ``on_waiting`` is told, every ``report_every`` seconds while some are pending,
    which services are still pending (each with its last answer) and the seconds waited so
    far. Raise :class:`NotReady` naming the services still pending and their last answer.
    """
    pending: dict[str, str] = {name: "not polled yet" for name in probes}
    started = time.monotonic()
    deadline = started + timeout
    next_report = started + report_every
    with httpx.Client(timeout=2.0) as client:
        while pending:
            for name in list(pending):
                try:
                    response = client.get(probes[name])
                except httpx.HTTPError as exc:
                    pending[name] = f"{type(exc).__name__}: {exc}"
                    continue
                if response.status_code == httpx.codes.OK:
                    del pending[name]
                else:
                    pending[name] = f"HTTP {response.status_code}: {response.text[:200]}"
            if not pending:
                return
            dead = check_alive() if check_alive else None
            if dead is not None:
                raise NotReady(f"{dead} exited while the stack was starting", pending)
            if time.monotonic() > deadline:
                detail = "; ".join(f"{name} ({why})" for name, why in pending.items())
                raise NotReady(f"not ready after {timeout:.0f} s: {detail}", pending)
            now = time.monotonic()
            if on_waiting is not None and now >= next_report:
                on_waiting(pending, now - started)
                next_report = now + report_every
            time.sleep(interval)
