"""Cache-aside for each tenant's routing table, and the change notifications.

One document per tenant (its enabled boards and their settings) answers all three read
endpoints, so a write invalidates exactly one key. Unknown and disabled tenants are cached
as ``null`` for a short time so that a burst of bad URLs does not reach the database.

A read that misses notes the tenant's generation, reads the database, and fills the cache
only if no write changed the generation meanwhile. Without that, a read that started
before a write committed could store the old table after the write had invalidated it,
and keep it for a whole TTL.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from typing import Any

from registry.metrics import RegistryMetrics
from registry.stores import Store, StoreUnavailable

log = logging.getLogger(__name__)

CHANGES_CHANNEL = "dazzler:registry:changes"
ALL_TENANTS = "*"
# A generation must outlive every read that noted it (a few seconds at most). Once it
# expires, a reader that saw none could fill again; a day leaves no such reader.
GENERATION_TTL_SECONDS = 24 * 3600.0

RoutesDocument = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Lookup:
    """What the cache knows about one tenant."""

    hit: bool
    document: RoutesDocument | None = None
    store_down: bool = False
    generation: str | None = None


class RouteCache:
    """The per-tenant routing tables, keyed by lower-cased slug."""

    def __init__(
        self,
        store: Store,
        *,
        prefix: str,
        ttl: float,
        jitter: float,
        negative_ttl: float,
        metrics: RegistryMetrics,
    ) -> None:
        self.store = store
        self._prefix = prefix
        self._ttl = ttl
        self._jitter = jitter
        self._negative_ttl = negative_ttl
        self._metrics = metrics

    def key(self, slug_key: str) -> str:
        """The store key of one tenant's routing table."""
        return f"{self._prefix}routes:{slug_key}"

    def generation_key(self, slug_key: str) -> str:
        """The store key that every write to the tenant changes."""
        return f"{self._prefix}generation:{slug_key}"

    def get(self, slug_key: str) -> Lookup:
        """Look the tenant up; never raises because of the store.

        A miss carries the generation to hand back to ``put``; note it before reading
        the database.
        """
        try:
            raw, generation = self.store.read(self.key(slug_key), self.generation_key(slug_key))
        except StoreUnavailable:
            self._metrics.db_fallbacks.inc()
            return Lookup(hit=False, store_down=True)
        if raw is None:
            self._metrics.cache_misses.inc()
            return Lookup(hit=False, generation=generation)
        self._metrics.cache_hits.inc()
        document: RoutesDocument | None = json.loads(raw)
        return Lookup(hit=True, document=document)

    def put(self, slug_key: str, document: RoutesDocument | None, generation: str | None) -> None:
        """Remember the tenant's table (or that it has none, for a shorter time), unless
        a write changed ``generation``, the one the miss carried, since it was read."""
        if document is None:
            ttl = self._negative_ttl
            if ttl <= 0:
                return
        else:
            ttl = self._ttl * random.uniform(1 - self._jitter, 1 + self._jitter)
        value = json.dumps(document, separators=(",", ":"))
        try:
            stored = self.store.fill(
                self.key(slug_key), value, ttl, self.generation_key(slug_key), generation
            )
        except StoreUnavailable:
            return
        if not stored:
            self._metrics.fills_refused.inc()

    def forget(self, slug_key: str) -> None:
        """Drop the tenant's table from the store, for a write another process made."""
        try:
            if slug_key == ALL_TENANTS:
                self.store.clear()
            else:
                self.store.bump(
                    self.generation_key(slug_key), [self.key(slug_key)], GENERATION_TTL_SECONDS
                )
        except StoreUnavailable:
            log.debug("cache drop of %s skipped: store unavailable", slug_key)

    def invalidate(self, slug_key: str) -> None:
        """Forget the tenant and tell the gateways; call only after the write committed."""
        try:
            self.store.bump(
                self.generation_key(slug_key), [self.key(slug_key)], GENERATION_TTL_SECONDS
            )
        except StoreUnavailable:
            # The store drops every key when it comes back, so nothing stale survives.
            log.debug("cache invalidation of %s skipped: store unavailable", slug_key)
        try:
            self.store.publish(CHANGES_CHANNEL, json.dumps({"tenant": slug_key}))
        except StoreUnavailable:
            log.debug("change notification for %s skipped: store unavailable", slug_key)
