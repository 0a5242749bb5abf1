"""One open push stream's side of the hub: a bounded queue of event bytes (newest wins)
and the cheap wait it sleeps on between frames."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING

from boardkit.push_events import reset_event

if TYPE_CHECKING:
    from boardkit.push_hub import Feed


class Viewer:
    """One open stream: a bounded queue of event bytes, newest wins.

    When the queue is full the backlog is dropped for one ``reset`` and the stream ends
    after it: the page redraws and reconnects, so it never shows a gap.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._queue: deque[bytes] = deque()
        self._wakeup = Wakeup()
        self.ending = False
        self.feeds: list[Feed] = []

    def offer(self, chunk: bytes, series: str) -> None:
        """Queue ``chunk`` (never waits)."""
        if self.ending:
            return
        if len(self._queue) >= self._limit:
            self._queue.clear()
            self._queue.append(reset_event(series, "overflow"))
            self.ending = True
        else:
            self._queue.append(chunk)
        self._wakeup.set()

    def close(self) -> None:
        """The client left: end at once."""
        self._queue.clear()
        self.ending = True
        self._wakeup.set()

    def end(self, chunk: bytes) -> None:
        """Send ``chunk`` after what is queued, then end the stream."""
        if not self.ending:
            self._queue.append(chunk)
            self.ending = True
            self._wakeup.set()

    async def next(self, idle: float) -> bytes | None:
        """Everything queued, as one write; ``b""`` once the stream must end; ``None``
        after ``idle`` seconds of nothing (time for a heartbeat)."""
        if not self._queue:
            if self.ending:
                return b""
            await self._wakeup.wait(idle)
            if not self._queue:
                return b"" if self.ending else None
        chunks = b"".join(self._queue)
        self._queue.clear()
        return chunks


class Wakeup:
    """A pause that ends early when woken (a wake with nobody pausing is forgotten).

    It runs for every viewer at every frame: one future and one timer, not the task,
    event and timer of ``wait_for`` (under half the CPU per frame).
    """

    __slots__ = ("_waiter",)

    def __init__(self) -> None:
        self._waiter: asyncio.Future[None] | None = None

    def set(self) -> None:
        _release(self._waiter)

    async def wait(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        timer = loop.call_later(seconds, _release, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None


def _release(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)
