"""Key-value stores behind the route cache: Redis with a circuit breaker, or process memory.

A store raises StoreUnavailable instead of a client error, so callers can fall back to the
database without knowing which store they have.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from registry.metrics import RegistryMetrics

log = logging.getLogger(__name__)
T = TypeVar("T")


class StoreUnavailable(Exception):
    """The store cannot be used right now; answer from the database instead."""


class Store(Protocol):
    """What the route cache needs from a key-value store."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: float) -> None: ...
    def delete(self, keys: Sequence[str]) -> None: ...
    def publish(self, channel: str, message: str) -> None: ...
    def close(self) -> None: ...


class MemoryStore:
    """An in-process store with expiry, used when no Redis is configured."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] <= self._clock():
                del self._items[key]
                return None
            return item[1]

    def set(self, key: str, value: str, ttl: float) -> None:
        with self._lock:
            self._items[key] = (self._clock() + ttl, value)

    def delete(self, keys: Sequence[str]) -> None:
        with self._lock:
            for key in keys:
                self._items.pop(key, None)

    def publish(self, channel: str, message: str) -> None:
        """Nobody can listen without Redis."""

    def close(self) -> None:
        with self._lock:
            self._items.clear()


class RedisStore:
    """Redis behind a circuit breaker.

    After a failure Redis is left alone for ``retry_seconds`` (every request would
    otherwise pay a socket timeout), the outage is logged once, and the first successful
    call afterwards drops every key under ``prefix``: writes made during the outage could
    not invalidate them.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        channel: str,
        timeout: float,
        retry_seconds: float,
        metrics: RegistryMetrics,
    ) -> None:
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
        )
        self._prefix = prefix
        self._channel = channel
        self._retry_seconds = retry_seconds
        self._metrics = metrics
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0
        metrics.redis_up.set(1)

    def get(self, key: str) -> str | None:
        return self._call(lambda: self._client.get(key))  # type: ignore[return-value]

    def set(self, key: str, value: str, ttl: float) -> None:
        self._call(lambda: self._client.set(key, value, px=max(1, int(ttl * 1000))))

    def delete(self, keys: Sequence[str]) -> None:
        if keys:
            self._call(lambda: self._client.delete(*keys))

    def publish(self, channel: str, message: str) -> None:
        self._call(lambda: self._client.publish(channel, message))

    def close(self) -> None:
        self._client.close()

    def _call(self, operation: Callable[[], T]) -> T:
        if self._down:
            self._try_recover()
        try:
            return operation()
        except RedisError as exc:
            self._trip(exc)
            raise StoreUnavailable(str(exc)) from exc

    def _try_recover(self) -> None:
        with self._lock:
            if not self._down:
                return
            if time.monotonic() < self._retry_at:
                raise StoreUnavailable("Redis circuit open")
            try:
                stale = list(self._client.scan_iter(match=self._prefix + "*", count=500))
                if stale:
                    self._client.delete(*stale)
                self._client.publish(self._channel, '{"tenant": "*"}')
            except RedisError as exc:
                self._retry_at = time.monotonic() + self._retry_seconds
                raise StoreUnavailable(str(exc)) from exc
            self._down = False
            self._metrics.redis_up.set(1)
            log.warning("Redis is back; dropped %d cached entries from before", len(stale))

    def _trip(self, exc: RedisError) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + self._retry_seconds
            if self._down:
                return
            self._down = True
            self._metrics.redis_up.set(0)
        log.warning(
            "Redis unavailable (%s); answering from the database, retrying every %.1f s",
            exc,
            self._retry_seconds,
        )
