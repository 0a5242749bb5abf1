"""Request counters for load tests: per route template and per tenant."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

STATS_PREFIX = "/__sim/"


class RequestStats:
    """Thread-safe counters behind ``GET /__sim/stats``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._tenants: Counter[str] = Counter()

    def record(self, route: str, tenant: str) -> None:
        with self._lock:
            self._requests[route] += 1
            self._tenants[tenant] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"requests": dict(self._requests), "by_tenant": dict(self._tenants)}

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._tenants.clear()


class StatsMiddleware:
    """Counts every HTTP request by ``"<METHOD> <path template>"`` once routing is done."""

    def __init__(self, app: ASGIApp, stats: RequestStats) -> None:
        self.app = app
        self.stats = stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(STATS_PREFIX):
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            tenant = ""
            for name, value in scope["headers"]:
                if name == b"fiware-service":
                    tenant = value.decode("latin-1").lower()
            self.stats.record(f"{scope['method']} {template}", tenant or "<default>")
