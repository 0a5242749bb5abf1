"""The long-lived objects of one app: engine, sessions, cache and metrics."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from registry.cache import CHANGES_CHANNEL, RouteCache
from registry.changes.service import ChangeFollower
from registry.config import Settings
from registry.database import make_engine, make_session_factory
from registry.metrics import RegistryMetrics
from registry.stores import MemoryStore, RedisStore, Store


@dataclass
class Runtime:
    """Built by ``create_app``; nothing connects until first used."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    cache: RouteCache
    metrics: RegistryMetrics
    changes: ChangeFollower

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Wire the objects ``settings`` describe."""
        metrics = RegistryMetrics()
        engine = make_engine(settings.database_url)
        store: Store
        if settings.redis_url:
            store = RedisStore(
                settings.redis_url,
                prefix=settings.cache_prefix,
                channel=CHANGES_CHANNEL,
                timeout=settings.redis_timeout_seconds,
                retry_seconds=settings.redis_retry_seconds,
                metrics=metrics,
            )
        else:
            store = MemoryStore(max_items=settings.cache_max_entries)
        cache = RouteCache(
            store,
            prefix=settings.cache_prefix,
            ttl=settings.cache_ttl_seconds,
            jitter=settings.cache_jitter,
            negative_ttl=settings.negative_cache_seconds,
            metrics=metrics,
        )
        changes = ChangeFollower(cache, interval=settings.change_check_seconds)
        return cls(settings, engine, make_session_factory(engine), cache, metrics, changes)

    def close(self) -> None:
        """Release the connection pools."""
        self.cache.store.close()
        self.engine.dispose()
