"""The shared poller cache: one QuantumLeap query per window per interval, whatever the
number of viewers.

A window is cached for ``ttl`` seconds (the poll interval). Concurrent misses on one key
make one query (single-flight): in-process with a future per key, and across replicas with
a Redis lock when Redis is configured. Failures are cached for the same ``ttl`` so that an
outage also costs one query per interval instead of one per viewer.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Protocol

import redis.asyncio as aioredis

from boardkit.frames import Frame
from boardkit.metrics import BoardMetrics

Fetch = Callable[[], Awaitable[Frame]]
_KEY_PREFIX = "dazzler:board:window:"


class CachedFailure(Exception):
    """The last query for this window failed less than one interval ago."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class WindowCache(Protocol):
    """Where frames of query windows are shared between viewers."""

    async def get(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        """The frame for ``key``, from the cache or from one call of ``fetch``.

        Raises whatever ``fetch`` raised (or CachedFailure for a recent failure).
        """
        ...

    async def ping(self) -> bool:
        """Whether the cache's backend is reachable."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class _Flights:
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

    def __init__(self, metrics: BoardMetrics, max_entries: int = 2000) -> None:
        self._metrics = metrics
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, Frame | CachedFailure]] = OrderedDict()
        self._flights = _Flights()

    async def get(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        entry = self._entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            self._entries.move_to_end(key)
            self._metrics.cache.labels("hit").inc()
            return _unwrap(entry[1])
        return await self._flights.run(key, lambda: self._fill(key, ttl, fetch), self._metrics)

    async def _fill(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        self._metrics.cache.labels("miss").inc()
        try:
            frame = await fetch()
        except Exception as exc:
            self._store(key, ttl, CachedFailure(type(exc).__name__, str(exc)))
            raise
        self._store(key, ttl, frame)
        return frame

    def _store(self, key: str, ttl: float, value: Frame | CachedFailure) -> None:
        self._entries[key] = (time.monotonic() + ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._entries.clear()


class RedisCache:
    """Cache shared by every replica through Redis (values expire after ``ttl``).

    A value, once read or written, is also kept in this process until the moment Redis
    expires it: an entry never changes while it lives, so polls within the interval are
    answered without a round trip to Redis or decoding the frame again (and get the same
    frame object, which lets per-entry work be reused).
    """

    def __init__(
        self,
        url: str,
        metrics: BoardMetrics,
        lock_seconds: float = 5.0,
        max_local_entries: int = 2000,
    ) -> None:
        self._redis = aioredis.Redis.from_url(url)
        self._metrics = metrics
        self._lock_seconds = lock_seconds
        self._flights = _Flights()
        self._local = _LocalCopies(max_local_entries)

    async def get(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        kept = self._local.get(key)
        if kept is not None:
            self._metrics.cache.labels("hit").inc()
            return _unwrap(kept)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(_KEY_PREFIX + key)
            pipe.pttl(_KEY_PREFIX + key)
            cached, remaining_ms = await pipe.execute()
        if cached is not None:
            self._metrics.cache.labels("hit").inc()
            value = _parse(cached)
            self._local.put(key, remaining_ms / 1000, value)
            return _unwrap(value)
        return await self._flights.run(key, lambda: self._fill(key, ttl, fetch), self._metrics)

    async def _fill(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        value_key, lock_key = _KEY_PREFIX + key, _KEY_PREFIX + key + ":lock"
        lock_ms = int(self._lock_seconds * 1000)
        if not await self._redis.set(lock_key, b"1", nx=True, px=lock_ms):
            waited = await self._wait_for(value_key, lock_key)
            if waited is not None:
                self._metrics.cache.labels("joined").inc()
                return _unwrap(_parse(waited))
        self._metrics.cache.labels("miss").inc()
        ttl_ms = max(1, int(ttl * 1000))
        try:
            frame = await fetch()
        except Exception as exc:
            failure = CachedFailure(type(exc).__name__, str(exc))
            raw = json.dumps({"error": failure.kind, "message": str(failure)})
            await self._redis.set(value_key, raw.encode(), px=ttl_ms)
            await self._redis.delete(lock_key)
            self._local.put(key, ttl, failure)
            raise
        await self._redis.set(value_key, frame.to_json().encode(), px=ttl_ms)
        await self._redis.delete(lock_key)
        self._local.put(key, ttl, frame)
        return frame

    async def _wait_for(self, value_key: str, lock_key: str) -> bytes | None:
        """Wait for another replica's query; None if its lock went away without a value."""
        deadline = time.monotonic() + self._lock_seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            value: bytes | str | None = await self._redis.get(value_key)
            if value is not None:
                return value if isinstance(value, bytes) else value.encode()
            if not await self._redis.exists(lock_key):
                # The holder stores the value before releasing the lock: look once more.
                value = await self._redis.get(value_key)
                if value is None:
                    return None
                return value if isinstance(value, bytes) else value.encode()
        return None

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (aioredis.RedisError, OSError):
            return False

    async def close(self) -> None:
        self._local.clear()
        await self._redis.aclose()


class _LocalCopies:
    """Values read from Redis, kept until Redis expires them (bounded, oldest out)."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, Frame | CachedFailure]] = OrderedDict()

    def get(self, key: str) -> Frame | CachedFailure | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: str, seconds: float, value: Frame | CachedFailure) -> None:
        if seconds <= 0:  # no expiry set (or already gone): do not keep a copy
            return
        self._entries[key] = (time.monotonic() + seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


def _unwrap(value: Frame | CachedFailure) -> Frame:
    if isinstance(value, CachedFailure):
        # A fresh exception each time: re-raising one stored instance would grow its
        # traceback with every poll.
        raise CachedFailure(value.kind, str(value))
    return value


def _parse(raw: bytes | str) -> Frame | CachedFailure:
    if isinstance(raw, str):
        raw = raw.encode()
    if raw.startswith(b'{"error"'):
        failure = json.loads(raw)
        return CachedFailure(str(failure["error"]), str(failure["message"]))
    return Frame.from_json(raw)


def build_cache(redis_url: str, metrics: BoardMetrics, max_entries: int) -> WindowCache:
    """Redis when a URL is configured, otherwise in-process."""
    if redis_url:
        return RedisCache(redis_url, metrics)
    return MemoryCache(metrics, max_entries)
