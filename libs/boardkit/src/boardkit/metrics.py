"""Prometheus metrics of one board process, in a registry of its own (not the global one,
so building several apps in one test process does not collide)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "BoardMetrics"]


class BoardMetrics:
    """Callback latency, QuantumLeap calls and cache outcomes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.callback_seconds = Histogram(
            "dazzler_board_callback_seconds",
            "Time spent in a board callback.",
            ["board", "callback"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
        )
        self.ql_calls = Counter(
            "dazzler_board_ql_calls_total",
            "Queries sent to QuantumLeap, by outcome (ok or the error class).",
            ["outcome"],
            registry=self.registry,
        )
        self.cache = Counter(
            "dazzler_board_cache_total",
            "Window cache look-ups: hit, miss (this caller queried) or joined (waited for "
            "another caller's query).",
            ["result"],
            registry=self.registry,
        )
        self.forbidden = Counter(
            "dazzler_board_forbidden_total",
            "Requests refused because their tenant context could not be trusted.",
            ["reason"],
            registry=self.registry,
        )

        self.push_streams = Gauge(
            "dazzler_board_push_streams",
            "Open push streams (server-sent events) of this process.",
            registry=self.registry,
        )
        self.push_feeds = Gauge(
            "dazzler_board_push_feeds",
            "Series this process follows for push viewers (one poller or listener each).",
            registry=self.registry,
        )
        self.push_frames = Counter(
            "dazzler_board_push_frames_total",
            "Frames of new points made (each encoded once, whatever the number of viewers).",
            registry=self.registry,
        )
        self.push_subscriptions = Gauge(
            "dazzler_board_push_subscriptions",
            "Orion subscriptions this process holds for the series it polls.",
            registry=self.registry,
        )
        self.push_notifications = Counter(
            "dazzler_board_push_notifications_total",
            "Orion notifications received, by outcome (ok, unknown, wrong_tenant, "
            "malformed, too_large, method_not_allowed).",
            ["outcome"],
            registry=self.registry,
        )
        self.push_shared = Gauge(
            "dazzler_board_push_shared",
            "1 while push pollers are shared across replicas through Redis, 0 while each "
            "replica polls for itself (Redis unreachable or not configured).",
            registry=self.registry,
        )

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
