"""Scripted load: a few viewers polling a live board through the gateway, all the time.

Each answer is kept with the moment it arrived, so a fault test can tell what viewers
saw before, during and after the fault, and how long recovery took.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx

from reliability_kit.dash_calls import Answer, Viewer, callback_outputs
from reliability_kit.tenants import BOARD, Tenant


@dataclass(slots=True)
class Load:
    """Viewers polling in the background; ``answers`` is (monotonic time, answer)."""

    viewers: list[Viewer]
    pause: float
    answers: list[tuple[float, Answer]] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    def all(self) -> list[Answer]:
        return [answer for _, answer in self.answers]

    def since(self, moment: float) -> list[Answer]:
        return [answer for at, answer in self.answers if at >= moment]

    def between(self, start: float, end: float) -> list[Answer]:
        return [answer for at, answer in self.answers if start <= at < end]

    def latest(self) -> list[Answer]:
        """Each viewer's newest answer."""
        return [viewer.history[-1] for viewer in self.viewers if viewer.history]

    async def wait_for(self, kind: str, within: float) -> float:
        """Wait until every viewer's newest answer shows ``kind``; return when that was."""
        deadline = time.monotonic() + within
        start = len(self.answers)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            fresh = {id(a) for _, a in self.answers[start:]}
            latest = self.latest()
            if latest and all(a.kind == kind and id(a) in fresh for a in latest):
                return time.monotonic()
        kinds = Counter(a.kind or str(a.status_code) for a in self.latest())
        raise AssertionError(f"viewers did not all show {kind!r} in {within} s: {kinds}")

    async def _run(self, client: httpx.AsyncClient, viewer: Viewer) -> None:
        while not self._stop.is_set():
            answer = await viewer.poll(client)
            self.answers.append((time.monotonic(), answer))
            await asyncio.sleep(self.pause)


def failed(answers: list[Answer]) -> list[Answer]:
    """Answers a viewer would see as broken: no answer, or a 5xx."""
    return [answer for answer in answers if answer.failed]


@contextlib.asynccontextmanager
async def polling(
    gateway: str, tenant: Tenant, *, viewers: int = 4, pause: float = 0.2
) -> AsyncIterator[Load]:
    """Run ``viewers`` viewers of ``tenant``'s board until the block ends."""
    url = tenant.board_url(gateway)
    async with httpx.AsyncClient(timeout=httpx.Timeout(10, connect=3)) as client:
        output = (await callback_outputs(client, url))["refresh"]
        load = Load(
            [Viewer(url, BOARD, list(tenant.entity_ids), output) for _ in range(viewers)], pause
        )
        tasks = [asyncio.create_task(load._run(client, viewer)) for viewer in load.viewers]
        try:
            yield load
        finally:
            load._stop.set()
            await asyncio.gather(*tasks)


def kinds(answers: list[Answer]) -> dict[str, int]:
    """How often each state (or HTTP status, when there is none) was seen."""
    return dict(Counter(a.kind or f"http {a.status_code}" for a in answers))
