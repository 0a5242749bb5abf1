"""Tenant routes cached in-process, with stale fallback while the registry is away."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gateway.errors import RegistryUnavailable
from gateway.registry_client import RegistryError
from gateway.routes import RouteTable

Fetch = Callable[[str], Awaitable[RouteTable | None]]
CacheEvent = Callable[[str], None]


@dataclass(slots=True)
class _Entry:
    table: RouteTable | None
    fetched_at: float


class RouteCache:
    """Remembers each tenant's routes (or that it has none) for ``ttl`` seconds.

    Past the TTL the registry is asked again; if it cannot be asked, the last answer is
    used until it is ``stale_limit`` seconds old. Concurrent misses for one tenant share
    one registry call.
    """

    def __init__(
        self,
        fetch: Fetch,
        *,
        ttl: float,
        stale_limit: float,
        on_event: CacheEvent | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._stale_limit = stale_limit
        self._on_event = on_event or (lambda _event: None)
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._pending: dict[str, asyncio.Future[RouteTable | None]] = {}
        self._generation = 0
        self.last_contact: float | None = None

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, tenant: str) -> RouteTable | None:
        """Return the routes of ``tenant`` (any case), None if it is not served.

        Raises RegistryUnavailable when the registry cannot be asked and no answer
        within the stale limit is known.
        """
        key = tenant.lower()
        entry = self._entries.get(key)
        now = self._clock()
        if entry is not None and now - entry.fetched_at < self._ttl:
            self._on_event("hit")
            return entry.table
        pending = self._pending.get(key)
        if pending is not None:
            self._on_event("shared")
            return await asyncio.shield(pending)
        future: asyncio.Future[RouteTable | None] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            result = await self._refresh(key, entry)
        except BaseException as exc:
            future.set_exception(exc)
            # Nobody may be waiting on the shared future; keep asyncio from complaining.
            future.exception()
            raise
        else:
            future.set_result(result)
            return result
        finally:
            del self._pending[key]

    async def _refresh(self, key: str, entry: _Entry | None) -> RouteTable | None:
        generation = self._generation
        try:
            table = await self._fetch(key)
        except RegistryError as exc:
            if entry is not None and self._clock() - entry.fetched_at < self._stale_limit:
                self._on_event("stale")
                return entry.table
            self._on_event("unavailable")
            raise RegistryUnavailable(str(exc)) from exc
        now = self._clock()
        self.last_contact = now
        self._on_event("miss")
        # A change notice that arrived while we were asking may concern this answer.
        if generation == self._generation:
            self._entries[key] = _Entry(table, now)
        return table

    def invalidate(self, tenant: str) -> None:
        """Forget one tenant (``"*"``: every tenant); the next request asks the registry."""
        self._generation += 1
        if tenant == "*":
            self._entries.clear()
        else:
            self._entries.pop(tenant.lower(), None)
