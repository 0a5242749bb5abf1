"""The gateway's Prometheus metrics, one registry per app."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """Counters and histograms the gateway updates while it serves."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "dazzler_gateway_requests",
            "Requests answered, by tenant, board and status (empty labels: no tenant known).",
            ["tenant", "board", "status"],
            registry=self.registry,
        )
        self.upstream_latency = Histogram(
            "dazzler_gateway_upstream_seconds",
            "Time from sending a request to a board replica to its response headers.",
            ["service"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.route_cache = Counter(
            "dazzler_gateway_route_cache",
            "Route cache lookups: hit, miss, shared (waited for another miss), stale, unavailable.",
            ["result"],
            registry=self.registry,
        )
        self.upstream_errors = Counter(
            "dazzler_gateway_upstream_errors",
            "Failed attempts to reach a board replica, by service and kind.",
            ["service", "kind"],
            registry=self.registry,
        )

    def cache_event(self, result: str) -> None:
        """Count one route cache lookup."""
        self.route_cache.labels(result).inc()

    def exposition(self) -> bytes:
        """Return every metric in the Prometheus text format."""
        return generate_latest(self.registry)
