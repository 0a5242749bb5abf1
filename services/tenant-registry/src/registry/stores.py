"""Key-value stores behind the route cache: Redis with a circuit breaker, or process memory.

A store raises StoreUnavailable instead of a client error, so callers can fall back to the
database without knowing which store they have.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from registry.metrics import RegistryMetrics

log = logging.getLogger(__name__)
T = TypeVar("T")

# KEYS: the value, its generation. ARGV: the generation the reader saw ("" for none), the
# value, its TTL in ms. The check and the write are one step for every other client.
_FILL_IF_GENERATION = """
local current = redis.call('GET', KEYS[2])
if (current or '') ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
"""


def _milliseconds(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class StoreUnavailable(Exception):
    """The store cannot be used right now; answer from the database instead."""


class Store(Protocol):
    """What the route cache needs from a key-value store.

    Each cached value has a generation key beside it, changed by every write. A reader
    notes the generation together with its miss and fills the cache only if the
    generation is still the same, so a write that commits while the reader is between
    the database and the cache is never hidden by the reader's older copy.
    """

    def read(self, key: str, generation_key: str) -> tuple[str | None, str | None]:
        """The value of ``key`` (None: absent) and the current generation (None: none)."""
        ...

    def fill(self, key: str, value: str, ttl: float, generation_key: str, seen: str | None) -> bool:
        """Store ``value`` for ``ttl`` s only if the generation is still ``seen``."""
        ...

    def bump(self, generation_key: str, keys: Sequence[str], ttl: float) -> None:
        """Give ``generation_key`` a new value for ``ttl`` s and delete ``keys``, at once."""
        ...

    def clear(self) -> None:
        """Drop every cached value and generation."""
        ...

    def publish(self, channel: str, message: str) -> None: ...
    def close(self) -> None: ...


class MemoryStore:
    """An in-process store with expiry, used when no Redis is configured.

    It holds at most ``max_items`` keys, dropping the least recently used: without a
    bound, requests for made-up tenant names would each leave a negative entry behind.
    """

    def __init__(
        self, max_items: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._max_items = max_items
        self._generations = itertools.count(1)
        self._lock = threading.Lock()
        self._clock = clock

    def read(self, key: str, generation_key: str) -> tuple[str | None, str | None]:
        with self._lock:
            return self._get(key), self._get(generation_key)

    def fill(self, key: str, value: str, ttl: float, generation_key: str, seen: str | None) -> bool:
        with self._lock:
            if self._get(generation_key) != seen:
                return False
            self._set(key, (self._clock() + ttl, value))
            return True

    def bump(self, generation_key: str, keys: Sequence[str], ttl: float) -> None:
        with self._lock:
            # A process-wide sequence: a generation value is never handed out twice.
            for key in keys:
                self._items.pop(key, None)
            self._set(generation_key, (self._clock() + ttl, str(next(self._generations))))

    def __len__(self) -> int:
        return len(self._items)

    def _set(self, key: str, item: tuple[float, str]) -> None:
        self._items[key] = item
        self._items.move_to_end(key)
        while len(self._items) > self._max_items:
            self._items.popitem(last=False)

    def _get(self, key: str) -> str | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] <= self._clock():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return item[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def publish(self, channel: str, message: str) -> None:
        """Nobody can listen without Redis."""

    def close(self) -> None:
        self.clear()


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
        self._fill_script = self._client.register_script(_FILL_IF_GENERATION)
        self._prefix = prefix
        self._channel = channel
        self._retry_seconds = retry_seconds
        self._metrics = metrics
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0
        metrics.redis_up.set(1)

    def read(self, key: str, generation_key: str) -> tuple[str | None, str | None]:
        # Both in one round trip; the caller reads the database only after this.
        values: list[str | None] = self._call(
            lambda: self._client.mget([key, generation_key])  # type: ignore[arg-type,return-value]
        )
        return values[0], values[1]

    def fill(self, key: str, value: str, ttl: float, generation_key: str, seen: str | None) -> bool:
        args: list[str | int] = [seen or "", value, _milliseconds(ttl)]
        stored = self._call(lambda: self._fill_script(keys=[key, generation_key], args=args))
        return bool(stored)

    def bump(self, generation_key: str, keys: Sequence[str], ttl: float) -> None:
        # A random value rather than INCR: generation keys vanish when the store drops
        # its keys after an outage, and a restarted counter could repeat a value a slow
        # reader still holds.
        generation = secrets.token_hex(8)

        def write() -> None:
            with self._client.pipeline(transaction=True) as pipe:
                pipe.set(generation_key, generation, px=_milliseconds(ttl))
                if keys:
                    pipe.delete(*keys)
                pipe.execute()

        self._call(write)

    def clear(self) -> None:
        def drop() -> None:
            keys = list(self._client.scan_iter(match=self._prefix + "*", count=500))
            if keys:
                self._client.delete(*keys)

        self._call(drop)

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
