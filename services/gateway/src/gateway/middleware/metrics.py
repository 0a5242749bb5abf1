"""Counts every request by tenant, board and status."""

from __future__ import annotations

from gateway.asgi import ASGIApp, Message, Receive, Scope, Send, request_state
from gateway.metrics import Metrics


class MetricsMiddleware:
    """Labels only with tenants and boards the registry confirmed, so bad paths add none."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def counted_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counted_send)
        finally:
            state = request_state(scope)
            self.metrics.count_request(state.tenant, state.board, status)
