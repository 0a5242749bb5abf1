"""How many QuantumLeap queries the viewers cause, read from the stand-in's counters."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

# Not a viewer's series query: probes, version checks, the entity lists, the generator.
NOT_SERIES = frozenset({"GET /health", "GET /version", "GET /v2/entities", "GET /v2/"})


def series_queries(stats: dict[str, Any]) -> int:
    """Series reads in a ``/__sim/stats`` answer."""
    return sum(
        int(count)
        for route, count in stats.get("requests", {}).items()
        if route.startswith("GET ") and route not in NOT_SERIES
    )


class Window:
    """Reads the counters at the start and at the end of a run's measurement window."""

    def __init__(self, ql_url: str, start_after: float, length: float) -> None:
        self.url = ql_url.rstrip("/") + "/__sim/stats"
        self.start_after = start_after
        self.length = length
        self.queries = 0
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _read(self) -> int:
        return series_queries(httpx.get(self.url, timeout=10).json())

    def _watch(self) -> None:
        time.sleep(self.start_after)
        first = self._read()
        time.sleep(self.length)
        self.queries = self._read() - first

    def __enter__(self) -> Window:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.thread.join()
