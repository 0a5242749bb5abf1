"""The cache shared by every replica of a board service through Redis.

Redis is a shared optimisation, never a dependency: while it cannot be reached the cache
serves from an in-process :class:`boardkit.cache.MemoryCache` (one query per process per
interval), retries Redis every few seconds and goes back to it as soon as it answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from boardkit.cache import (
    CachedFailure,
    Clock,
    Fetch,
    MemoryCache,
    SingleFlight,
    WindowCache,
    interval_end,
    unwrap,
)
from boardkit.failures import FailureKind
from boardkit.frames import Frame
from boardkit.memo import Recent
from boardkit.metrics import BoardMetrics

_KEY_PREFIX = "dazzler:board:window:"
# What a Redis that is down, unreachable or too slow raises (never what a fetch raises:
# every Redis call is wrapped on its own).
_REDIS_DOWN = (aioredis.RedisError, OSError, TimeoutError)
_log = logging.getLogger("boardkit.cache")
# redis-py's close can wait for a socket that never finishes closing (redis/redis-py#3941);
# a service that is stopping gives up on it after this long.
CLOSE_SECONDS = 2.0


async def close_redis(closable: aioredis.Redis | PubSub, seconds: float | None = None) -> None:
    """Close a Redis client or pub/sub; a close that hangs is left to the operating system
    after ``seconds`` (default :data:`CLOSE_SECONDS`, logged), one that fails is ignored:
    the service is going away."""
    seconds = CLOSE_SECONDS if seconds is None else seconds
    try:
        await asyncio.wait_for(closable.aclose(), seconds)
    except TimeoutError:
        _log.warning("closing a Redis connection took over %g s: left unclosed", seconds)
    except _REDIS_DOWN:
        pass


def fail_fast_redis(url: str, timeout: float) -> aioredis.Redis:
    """A Redis client that gives up on a call after ``timeout`` seconds, without retries:
    its callers fall back at once and decide themselves when to try Redis again."""
    return aioredis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


class RedisCache:
    """Cache shared by every replica through Redis (values expire at the end of their
    wall-clock interval of ``ttl`` seconds, as in :class:`MemoryCache`).

    A value, once read or written, is also kept in this process until the moment Redis
    expires it: an entry never changes while it lives, so polls within the interval are
    answered without a round trip to Redis or decoding the frame again (and get the same
    frame object, which lets per-entry work be reused).

    When Redis fails (refused, reset, or slower than ``socket_timeout``), the cache serves
    from an in-process :class:`MemoryCache` and tries Redis again after ``retry_seconds``
    (one request at a time), so an outage costs viewers nothing but the sharing between
    replicas. It logs one warning when Redis goes away and one line when it is back.
    """

    def __init__(
        self,
        url: str,
        metrics: BoardMetrics,
        lock_seconds: float = 5.0,
        max_local_entries: int = 2000,
        *,
        socket_timeout: float = 0.5,
        retry_seconds: float = 3.0,
        clock: Clock = time.time,
    ) -> None:
        self._redis = fail_fast_redis(url, socket_timeout)
        self._metrics = metrics
        self._lock_seconds = lock_seconds
        self._clock = clock
        self._flights = SingleFlight()
        self._local = _LocalCopies(max_local_entries, clock)
        self._fallback = MemoryCache(metrics, max_local_entries, clock)
        self._breaker = _Breaker(retry_seconds)

    @property
    def degraded(self) -> bool:
        """Whether Redis is unreachable and the in-process cache is serving."""
        return self._breaker.down

    async def get(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        kept = self._local.get(key)
        if kept is not None:
            self._metrics.cache.labels("hit").inc()
            return unwrap(kept)
        if not self._breaker.allow():
            return await self._fallback.get(key, ttl, fetch)
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.get(_KEY_PREFIX + key)
                pipe.pttl(_KEY_PREFIX + key)
                cached, remaining_ms = await pipe.execute()
        except _REDIS_DOWN as exc:
            self._breaker.trip(exc)
            return await self._fallback.get(key, ttl, fetch)
        self._breaker.reset()
        if cached is not None:
            self._metrics.cache.labels("hit").inc()
            value = _parse(cached)
            self._local.put(key, self._clock() + remaining_ms / 1000, value)
            return unwrap(value)
        return await self._flights.run(key, lambda: self._fill(key, ttl, fetch), self._metrics)

    async def _fill(self, key: str, ttl: float, fetch: Fetch) -> Frame:
        value_key, lock_key = _KEY_PREFIX + key, _KEY_PREFIX + key + ":lock"
        lock_ms = int(self._lock_seconds * 1000)
        try:
            if not await self._redis.set(lock_key, b"1", nx=True, px=lock_ms):
                waited = await self._wait_for(value_key, lock_key)
                if waited is not None:
                    self._metrics.cache.labels("joined").inc()
                    return unwrap(_parse(waited))
        except _REDIS_DOWN as exc:
            self._breaker.trip(exc)
            return await self._fallback.get(key, ttl, fetch)
        self._metrics.cache.labels("miss").inc()
        expires = interval_end(self._clock(), ttl)
        try:
            frame = await fetch()
        except Exception as exc:
            failure = CachedFailure.caught(exc)
            raw = json.dumps({"error": failure.kind, "message": str(failure)})
            await self._store(value_key, lock_key, raw.encode(), expires)
            self._local.put(key, expires, failure)
            raise failure from exc
        await self._store(value_key, lock_key, frame.to_json().encode(), expires)
        self._local.put(key, expires, frame)
        return frame

    async def _store(self, value_key: str, lock_key: str, raw: bytes, expires: float) -> None:
        """Share a value until ``expires`` (epoch seconds); if Redis went away meanwhile,
        this process still keeps it."""
        try:
            # An absolute expiry: every replica's entry for the interval ends at one moment.
            await self._redis.set(value_key, raw, pxat=int(expires * 1000))
            await self._redis.delete(lock_key)
        except _REDIS_DOWN as exc:
            self._breaker.trip(exc)

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
        """Always true: without Redis the in-process fallback serves (see
        :meth:`redis_reachable` for Redis itself)."""
        return True

    async def redis_reachable(self) -> bool:
        """Whether Redis answers a PING right now."""
        try:
            return bool(await self._redis.ping())
        except _REDIS_DOWN:
            return False

    async def close(self) -> None:
        self._local.clear()
        await self._fallback.close()
        await close_redis(self._redis)


class _Breaker:
    """Keeps calls away from a Redis that just failed, and lets one call retry it every
    ``retry_seconds``."""

    def __init__(self, retry_seconds: float) -> None:
        self._retry = retry_seconds
        self._closed_until = 0.0
        self.down = False

    def allow(self) -> bool:
        now = time.monotonic()
        if now < self._closed_until:
            return False
        if self.down:
            # This call is the trial; the others keep using the fallback meanwhile.
            self._closed_until = now + self._retry
        return True

    def trip(self, exc: BaseException) -> None:
        self._closed_until = time.monotonic() + self._retry
        if not self.down:
            self.down = True
            _log.warning(
                "Redis unreachable (%s); serving from the in-process cache, retrying every %s s",
                type(exc).__name__,
                self._retry,
            )

    def reset(self) -> None:
        if self.down:
            self.down = False
            self._closed_until = 0.0
            _log.warning("Redis reachable again; the shared cache is back in use")


class _LocalCopies:
    """Values read from Redis, kept until Redis expires them (bounded, least recently
    used out)."""

    def __init__(self, max_entries: int, clock: Clock) -> None:
        self._clock = clock
        self._entries: Recent[str, tuple[float, Frame | CachedFailure]] = Recent(max_entries)

    def get(self, key: str) -> Frame | CachedFailure | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            self._entries.drop(key)
            return None
        return entry[1]

    def put(self, key: str, expires: float, value: Frame | CachedFailure) -> None:
        if expires <= self._clock():  # no expiry set (or already gone): do not keep a copy
            return
        self._entries.put(key, (expires, value))

    def clear(self) -> None:
        self._entries.clear()


def _parse(raw: bytes | str) -> Frame | CachedFailure:
    if isinstance(raw, str):
        raw = raw.encode()
    if raw.startswith(b'{"error"'):
        failure = json.loads(raw)
        try:
            kind = FailureKind(failure["error"])
        except ValueError:
            # Written by a replica running an older kit: its kinds were class names.
            kind = FailureKind.UNAVAILABLE
        return CachedFailure(kind, str(failure["message"]))
    return Frame.from_json(raw)


def build_cache(
    redis_url: str,
    metrics: BoardMetrics,
    max_entries: int,
    *,
    redis_timeout: float = 0.5,
    redis_retry_seconds: float = 3.0,
) -> WindowCache:
    """Redis when a URL is configured (falling back to in-process while it is down),
    otherwise in-process."""
    if redis_url:
        return RedisCache(
            redis_url,
            metrics,
            max_local_entries=max_entries,
            socket_timeout=redis_timeout,
            retry_seconds=redis_retry_seconds,
        )
    return MemoryCache(metrics, max_entries)
