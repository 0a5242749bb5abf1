"""Cache-aside for each tenant's routing table, and the change notifications.

One document per tenant (its enabled boards and their settings) answers all three read
endpoints, so a write invalidates exactly one key. Unknown and disabled tenants are cached
as ``null`` for a short time so that a burst of bad URLs does not reach the database.
"""

from __future__ import annotations

import contextlib
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

RoutesDocument = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Lookup:
    """What the cache knows about one tenant."""

    hit: bool
    document: RoutesDocument | None = None
    store_down: bool = False


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

    def get(self, slug_key: str) -> Lookup:
        """Look the tenant up; never raises because of the store."""
        try:
            raw = self.store.get(self.key(slug_key))
        except StoreUnavailable:
            self._metrics.db_fallbacks.inc()
            return Lookup(hit=False, store_down=True)
        if raw is None:
            self._metrics.cache_misses.inc()
            return Lookup(hit=False)
        self._metrics.cache_hits.inc()
        document: RoutesDocument | None = json.loads(raw)
        return Lookup(hit=True, document=document)

    def put(self, slug_key: str, document: RoutesDocument | None) -> None:
        """Remember the tenant's table, or that it has none (for a shorter time)."""
        if document is None:
            ttl = self._negative_ttl
            if ttl <= 0:
                return
        else:
            ttl = self._ttl * random.uniform(1 - self._jitter, 1 + self._jitter)
        with contextlib.suppress(StoreUnavailable):
            self.store.set(self.key(slug_key), json.dumps(document, separators=(",", ":")), ttl)

    def invalidate(self, slug_key: str) -> None:
        """Forget the tenant and tell the gateways; call only after the write committed."""
        try:
            self.store.delete([self.key(slug_key)])
        except StoreUnavailable:
            # The store drops every key when it comes back, so nothing stale survives.
            log.debug("cache invalidation of %s skipped: store unavailable", slug_key)
        try:
            self.store.publish(CHANGES_CHANNEL, json.dumps({"tenant": slug_key}))
        except StoreUnavailable:
            log.debug("change notification for %s skipped: store unavailable", slug_key)
