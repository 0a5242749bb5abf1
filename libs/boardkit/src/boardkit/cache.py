"""The shared poller cache: one QuantumLeap query per window per interval, whatever the
number of viewers.

A window is cached until the end of the wall-clock interval of ``ttl`` seconds (the poll
interval) it was fetched in: entries of every key and every replica expire together at
multiples of ``ttl`` since the epoch. An entry that lived ``ttl`` seconds from its own fetch
would expire just after the poll that filled it comes round again (the browser's timer and
the fill drift by milliseconds), so every other poll would find it still there and points
would arrive in pairs; with fixed interval ends each poll of a viewer falls in a new
interval, and any poll after new data has arrived gets it. Concurrent misses on one key
make one query (single-flight): in-process with a future per key, and across replicas with
a Redis lock when Redis is configured. Failures are cached the same way so that an outage
also costs one query per interval instead of one per viewer.

The Redis-backed cache is in :mod:`boardkit.shared_cache`.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from boardkit.failures import FailureKind, failure_kind
from boardkit.frames import Frame
from boardkit.memo import Recent
from boardkit.metrics import BoardMetrics

Fetch = Callable[[], Awaitable[Frame]]
Clock = Callable[[], float]
"""Seconds since the epoch (``time.time``); tests pass a clock they move by hand."""


def interval_end(now: float, ttl: float) -> float:
    """The end of the wall-clock interval of ``ttl`` seconds that ``now`` falls in."""
    return (math.floor(now / ttl) + 1) * ttl


class CachedFailure(Exception):
    """The last query for this window failed less than one interval ago; ``kind`` was
    decided when it failed."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind

    @classmethod
    def caught(cls, exc: BaseException) -> CachedFailure:
        """The failure to cache for ``exc``, classified once."""
        return cls(failure_kind(exc), str(exc) or type(exc).__name__)


class WindowCache(Protocol):
    """Where frames of query windows are shared between viewers."""

    async def get(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        """The frame for ``key``, from the cache or from one call of ``fetch``.

        Raises :class:`CachedFailure` (with its kind) when this or a recent fetch failed.
        """
        ...

    async def ping(self) -> bool:
        """Whether the cache's backend is reachable."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class SingleFlight:
    """In-process single-flight: concurrent callers of one key share one awaitable."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Future[Frame]] = {}

    async def run(self, key: str, work: Fetch, metrics: BoardMetrics) -> Frame:
        running = self._running.get(key)
        if running is not None:
            metrics.cache.labels("joined").inc()
            return await asyncio.shield(running)
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            frame = await work()
        except BaseException as exc:
            future.set_exception(exc)
            # Mark retrieved so an exception nobody else awaited is not reported as lost.
            future.exception()
            raise
        else:
            future.set_result(frame)
            return frame
        finally:
            del self._running[key]


class MemoryCache:
    """Per-process cache, bounded: the least recently used windows are dropped first."""

    def __init__(
        self, metrics: BoardMetrics, max_entries: int = 2000, clock: Clock = time.time
    ) -> None:
        self._metrics = metrics
        self._clock = clock
        self._entries: Recent[str, tuple[float, Frame | CachedFailure]] = Recent(max_entries)
        self._flights = SingleFlight()

    async def get(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        entry = self._entries.get(key)
        if entry is not None and entry[0] > self._clock():
            self._metrics.cache.labels("hit").inc()
            return unwrap(entry[1])
        return await self._flights.run(key, lambda: self._fill(key, ttl, fetch), self._metrics)

    async def _fill(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        self._metrics.cache.labels("miss").inc()
        # The data is as of the query's start: that is the interval it belongs to.
        expires = interval_end(self._clock(), ttl)
        try:
            frame = await fetch()
        except Exception as exc:
            failure = CachedFailure.caught(exc)
            self._store(key, expires, failure)
            # The first viewer gets the same classified failure as every later one.
            raise failure from exc
        self._store(key, expires, frame)
        return frame

    def _store(self, key: str, expires: float, value: Frame | CachedFailure) -> None:
        self._entries.put(key, (expires, value))

    def __len__(self) -> int:
        return len(self._entries)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._entries.clear()


def unwrap(value: Frame | CachedFailure) -> Frame:
    """The cached frame, or a fresh CachedFailure for a cached failure."""
    if isinstance(value, CachedFailure):
        # A fresh exception each time: re-raising one stored instance would grow its
        # traceback with every poll.
        raise CachedFailure(value.kind, str(value))
    return value
