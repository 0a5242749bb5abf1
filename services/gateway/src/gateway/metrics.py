"""The gateway's Prometheus metrics, one registry per app, summed over worker processes.

With several workers, prometheus-client's multiprocess mode keeps every value in a file
per process under ``PROMETHEUS_MULTIPROC_DIR``, and a scrape, whichever worker answers
it, adds up all the files. The mode is chosen when prometheus-client is imported, so the
directory must be in the environment before a worker starts: ``shared_metrics_dir``
makes a fresh one for the workers ``serve`` starts.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """Counters and histograms the gateway updates while it serves."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._shared_dir = os.environ.get(MULTIPROC_ENV) or None
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

        # ``labels()`` takes a lock and validates every call; the few label sets a
        # gateway sees are looked up once and kept.
        self._children: dict[tuple[object, ...], Any] = {}

    def _child(self, metric: Any, *labels: str) -> Any:
        key = (metric, *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def count_request(self, tenant: str, board: str, status: int) -> None:
        """Count one answered request."""
        self._child(self.requests, tenant, board, str(status)).inc()

    def observe_upstream(self, service: str, seconds: float) -> None:
        """Record the time a replica of ``service`` took to send its response headers."""
        self._child(self.upstream_latency, service).observe(seconds)

    def cache_event(self, result: str) -> None:
        """Count one route cache lookup."""
        self._child(self.route_cache, result).inc()

    def exposition(self) -> bytes:
        """Return every metric in the Prometheus text format, summed over all workers
        when they share a metrics directory."""
        if self._shared_dir is None:
            return generate_latest(self.registry)
        # Built per scrape, as prometheus-client prescribes: the collector reads the
        # files of every process, including workers started after this one.
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self._shared_dir)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


@contextmanager
def shared_metrics_dir() -> Iterator[str]:
    """Point ``PROMETHEUS_MULTIPROC_DIR`` at a new, empty directory while the block runs.

    Worker processes started inside the block inherit it. A fresh directory each time:
    files left by an earlier run would add its counts to this one's. It is removed
    afterwards, and the variable restored.
    """
    previous = os.environ.get(MULTIPROC_ENV)
    directory = tempfile.mkdtemp(prefix="dazzler-gateway-metrics-")
    os.environ[MULTIPROC_ENV] = directory
    try:
        yield directory
    finally:
        if previous is None:
            os.environ.pop(MULTIPROC_ENV, None)
        else:
            os.environ[MULTIPROC_ENV] = previous
        shutil.rmtree(directory, ignore_errors=True)
