"""Tenant routes cached in-process, with stale fallback while the registry is away."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gateway.errors import RegistryUnavailable
from gateway.registry_client import RegistryError
from gateway.routes import RouteTable

Fetch = Callable[[str], Awaitable[RouteTable | None]]
CacheEvent = Callable[[str], None]
TenantChanged = Callable[[str], None]
_log = logging.getLogger("gateway.route_cache")


@dataclass(slots=True)
class _Entry:
    table: RouteTable | None
    fetched_at: float
    expired: bool = False


class RouteCache:
    """Remembers each tenant's routes (or that it has none) for ``ttl`` seconds.

    Past the TTL the registry is asked again; if it cannot be asked, the last answer is
    used until it is ``stale_limit`` seconds old. Concurrent misses for one tenant share
    one registry call. At most ``max_entries`` tenants are remembered, unknown ones
    included; the least recently used go first.

    Callbacks registered with :meth:`on_change` hear the (lower-cased) slug of every
    tenant whose entry is invalidated by name or whose refreshed routes differ from the
    cached ones, so that long-lived connections of a revoked tenant can be closed.
    """

    def __init__(
        self,
        fetch: Fetch,
        *,
        ttl: float,
        stale_limit: float,
        max_entries: int = 10_000,
        on_event: CacheEvent | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._stale_limit = stale_limit
        self._on_event = on_event or (lambda _event: None)
        self._clock = clock
        self._max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._subscribers: list[TenantChanged] = []
        self._pending: dict[str, asyncio.Future[RouteTable | None]] = {}
        self._generation = 0
        self.last_contact: float | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def on_change(self, callback: TenantChanged) -> None:
        """Call ``callback(slug)`` whenever a tenant's routes are dropped or change."""
        self._subscribers.append(callback)

    def _changed(self, key: str) -> None:
        for callback in self._subscribers:
            try:
                callback(key)
            except Exception:
                # One subscriber's bug must not stop invalidation or the others.
                _log.exception("route change subscriber failed for %s", key)

    async def get(self, tenant: str) -> RouteTable | None:
        """Return the routes of ``tenant`` (any case), None if it is not served.

        Raises RegistryUnavailable when the registry cannot be asked and no answer
        within the stale limit is known.
        """
        key = tenant.lower()
        entry = self._entries.get(key)
        now = self._clock()
        if entry is not None and not entry.expired and now - entry.fetched_at < self._ttl:
            self._entries.move_to_end(key)
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
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        if entry is not None and entry.table != table:
            self._changed(key)
        return table

    def invalidate(self, tenant: str) -> None:
        """Forget one tenant (``"*"``: every tenant); the next request asks the registry.

        A named tenant is dropped outright, so its old routes are never served again.
        ``"*"`` (notices may have been lost) only marks every entry expired: each is
        still the stale fallback while the registry is away, and subscribers hear of a
        tenant once its refreshed routes turn out different.
        """
        self._generation += 1
        if tenant == "*":
            for entry in self._entries.values():
                entry.expired = True
            return
        key = tenant.lower()
        self._entries.pop(key, None)
        self._changed(key)
