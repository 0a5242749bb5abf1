"""Prometheus metrics, one registry per app so that several apps can live in one process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RegistryMetrics:
    """The counters the registry exports on ``/metrics``."""

    def __init__(self) -> None:
        self.collector = CollectorRegistry()
        self.requests = Counter(
            "registry_http_requests",
            "HTTP requests answered, by handler and status.",
            ["method", "handler", "status"],
            registry=self.collector,
        )
        self.cache_hits = Counter(
            "registry_cache_hits",
            "Tenant lookups answered from the cache (negative entries included).",
            registry=self.collector,
        )
        self.cache_misses = Counter(
            "registry_cache_misses",
            "Tenant lookups not in the cache, answered from the database.",
            registry=self.collector,
        )
        self.fills_refused = Counter(
            "registry_cache_fills_refused",
            "Tables read from the database but not cached because a write to the same "
            "tenant happened during the read.",
            registry=self.collector,
        )
        self.db_fallbacks = Counter(
            "registry_db_fallbacks",
            "Tenant lookups answered from the database because Redis was unavailable.",
            registry=self.collector,
        )
        self.db_reads = Counter(
            "registry_db_route_reads",
            "Tenant routing tables read from the database, for any reason.",
            registry=self.collector,
        )
        self.redis_up = Gauge(
            "registry_redis_up",
            "1 while Redis answers, 0 during an outage (no Redis configured: 0).",
            registry=self.collector,
        )

    def render(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.collector)


class RequestMetricsMiddleware:
    """Counts every HTTP request by the handler that served it, never by raw path (unbounded).

    The handler's name, not its route template: routers included with a prefix only see
    the template relative to that prefix, which is ambiguous.
    """

    def __init__(self, app: ASGIApp, metrics: RegistryMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            endpoint = scope.get("endpoint")
            handler = getattr(endpoint, "__name__", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], handler, str(status)).inc()
