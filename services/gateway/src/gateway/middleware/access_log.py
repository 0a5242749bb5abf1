"""One JSON line per request on the ``gateway.access`` logger."""

from __future__ import annotations

import json
import logging
import time

from gateway.asgi import ASGIApp, Message, Receive, Scope, Send, request_state

_log = logging.getLogger("gateway.access")


class AccessLogMiddleware:
    """Logs method, path, status, size, duration, tenant, board, upstream and request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        size = 0

        async def logged_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            state = request_state(scope)
            client = scope.get("client")
            _log.info(
                json.dumps(
                    {
                        "ts": round(time.time(), 3),
                        "request_id": state.request_id,
                        "client": client[0] if client else None,
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status or 500,
                        "bytes": size,
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                        "tenant": state.tenant or None,
                        "board": state.board or None,
                        "upstream": state.upstream or None,
                    },
                    separators=(",", ":"),
                )
            )
