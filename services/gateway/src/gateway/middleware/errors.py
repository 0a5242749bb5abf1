"""Turns a GatewayError raised anywhere inside into the page error_pages gives it."""

from __future__ import annotations

import logging

from gateway.asgi import ASGIApp, Message, Receive, Scope, Send, header, send_response
from gateway.error_pages import render_error
from gateway.errors import GatewayError
from gateway.negotiation import prefers_json
from gateway.websocket_relay import refuse

_log = logging.getLogger("gateway.errors")


class ErrorPageMiddleware:
    """Answers gateway errors with HTML or JSON, whichever the client prefers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            try:
                await self.app(scope, receive, send)
            except GatewayError as exc:
                # Before the handshake is accepted a close is answered with 403; after
                # it, the client sees a policy close instead of a server error.
                _log.info("WebSocket refused: %r", exc)
                await refuse(send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except GatewayError as exc:
            if started:
                _log.warning("%r after the response started", exc)
                return
            status, body, content_type, extra = render_error(
                exc, prefers_json(header(scope, b"accept")), scope.get("path", "")
            )
            if scope["method"] == "HEAD":
                body = b""
            await send_response(send, status, body, content_type, extra)
