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
    """Cache shared by every replica through Redis (values expire after ``ttl``)."""

    def __init__(self, url: str, metrics: BoardMetrics, lock_seconds: float = 5.0) -> None:
        self._redis = aioredis.Redis.from_url(url)
        self._metrics = metrics
        self._lock_seconds = lock_seconds
        self._flights = _Flights()

    async def get(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        cached = await self._redis.get(_KEY_PREFIX + key)
        if cached is not None:
            self._metrics.cache.labels("hit").inc()
            return _decode(cached)
        return await self._flights.run(key, lambda: self._fill(key, ttl, fetch), self._metrics)

    async def _fill(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        value_key, lock_key = _KEY_PREFIX + key, _KEY_PREFIX + key + ":lock"
        lock_ms = int(self._lock_seconds * 1000)
        if not await self._redis.set(lock_key, b"1", nx=True, px=lock_ms):
            waited = await self._wait_for(value_key, lock_key)
            if waited is not None:
                self._metrics.cache.labels("joined").inc()
                return _decode(waited)
        self._metrics.cache.labels("miss").inc()
        ttl_ms = max(1, int(ttl * 1000))
        try:
            frame = await fetch()
        except Exception as exc:
            failure = json.dumps({"error": type(exc).__name__, "message": str(exc)})
            await self._redis.set(value_key, failure.encode(), px=ttl_ms)
            await self._redis.delete(lock_key)
            raise
        await self._redis.set(value_key, frame.to_json().encode(), px=ttl_ms)
        await self._redis.delete(lock_key)
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
        await self._redis.aclose()


def _unwrap(value: Frame | CachedFailure) -> Frame:
    if isinstance(value, CachedFailure):
        raise value
    return value


def _decode(raw: bytes | str) -> Frame:
    if isinstance(raw, str):
        raw = raw.encode()
    if raw.startswith(b'{"error"'):
        failure = json.loads(raw)
        raise CachedFailure(str(failure["error"]), str(failure["message"]))
    return Frame.from_json(raw)


def build_cache(redis_url: str, metrics: BoardMetrics, max_entries: int) -> WindowCache:
    """Redis when a URL is configured, otherwise in-process."""
    if redis_url:
        return RedisCache(redis_url, metrics)
    return MemoryCache(metrics, max_entries)
