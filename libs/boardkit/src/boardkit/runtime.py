"""What callbacks need at run time: settings, the QL and Orion clients, the shared cache
and the metrics. Clients are opened in the app's lifespan, never at import."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from ngsi import AsyncOrionClient, AsyncQuantumLeapClient, FiwareContext
from tenant_context import TenantContext

from boardkit.cache import WindowCache
from boardkit.config import BoardSettings
from boardkit.frames import Frame
from boardkit.metrics import BoardMetrics
from boardkit.push_hub import PushHub
from boardkit.push_subscriptions import notify_base
from boardkit.shared_cache import build_cache


class NotStarted(RuntimeError):
    """A client was used before the app's lifespan opened it."""


def tenant_refresh_seconds(context: TenantContext, default: float) -> float:
    """The board's poll interval: the tenant's ``refresh_seconds`` setting, else ``default``
    (also when the setting is not a positive number)."""
    value = context.settings.get("refresh_seconds", default)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return default
    return seconds if seconds > 0 else default


class Runtime:
    """Per-process services shared by every tenant's requests."""

    def __init__(self, settings: BoardSettings) -> None:
        self.settings = settings
        self.metrics = BoardMetrics()
        self.cache: WindowCache = build_cache(
            settings.redis_url,
            self.metrics,
            settings.cache_max_entries,
            redis_timeout=settings.redis_timeout,
            redis_retry_seconds=settings.redis_retry_seconds,
        )
        self.push = PushHub(
            self.metrics,
            poll_seconds=settings.push_poll_seconds,
            queue_frames=settings.push_queue_frames,
            replay_seconds=settings.push_replay_seconds,
            redis_url=settings.redis_url,
            redis_timeout=settings.redis_timeout,
            notify_url=notify_base(settings.push_notify_url),
            orion=lambda: self.orion,
            notified_poll_seconds=settings.push_notified_poll_seconds,
        )
        self._ql_http: httpx.AsyncClient | None = None
        self._orion_http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Open the HTTP clients (called from the lifespan)."""
        limits = httpx.Limits(max_connections=50, max_keepalive_connections=20)
        self._ql_http = httpx.AsyncClient(
            base_url=self.settings.ql_url, timeout=self.settings.ql_timeout, limits=limits
        )
        self._orion_http = httpx.AsyncClient(
            base_url=self.settings.orion_url, timeout=self.settings.ql_timeout, limits=limits
        )

    async def stop(self) -> None:
        """Stop the push pollers, close clients and the cache."""
        await self.push.close()
        for client in (self._ql_http, self._orion_http):
            if client is not None:
                await client.aclose()
        await self.cache.close()

    @property
    def ql(self) -> AsyncQuantumLeapClient:
        """The QuantumLeap client."""
        if self._ql_http is None:
            raise NotStarted("the board app has not started")
        return AsyncQuantumLeapClient(self._ql_http)

    @property
    def orion(self) -> AsyncOrionClient:
        """The Orion client."""
        if self._orion_http is None:
            raise NotStarted("the board app has not started")
        return AsyncOrionClient(self._orion_http)

    def refresh_seconds(self, context: TenantContext) -> float:
        """The poll interval for this tenant's board (its setting, else the default)."""
        return tenant_refresh_seconds(context, self.settings.refresh_seconds)

    async def cached(
        self,
        context: TenantContext,
        parts: tuple[Any, ...],
        ttl: float,
        fetch: Callable[[], Awaitable[Frame]],
    ) -> Frame:
        """A frame from the shared cache; the key always starts with the tenant's FIWARE
        service and path, so tenants never share an entry."""
        key = "|".join(
            str(p) for p in (context.fiware_service.lower(), context.service_path, *parts)
        )
        return await self.cache.get(key, ttl, self._counted(fetch))

    def _counted(self, fetch: Callable[[], Awaitable[Frame]]) -> Callable[[], Awaitable[Frame]]:
        async def run() -> Frame:
            try:
                frame = await fetch()
            except Exception as exc:
                self.metrics.ql_calls.labels(type(exc).__name__).inc()
                raise
            self.metrics.ql_calls.labels("ok").inc()
            return frame

        return run


def fiware_context(context: TenantContext) -> FiwareContext:
    """The FIWARE headers for a tenant's queries."""
    return FiwareContext(service=context.fiware_service, service_path=context.service_path)


class Stopwatch:
    """Times a callback into the latency histogram."""

    def __init__(self, metrics: BoardMetrics, board: str, callback: str) -> None:
        self._observe = metrics.callback_seconds.labels(board, callback).observe
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self._observe(time.perf_counter() - self._start)
