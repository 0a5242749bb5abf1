"""Parses ``/dazzler/…`` paths once and answers the redirects and refusals they imply."""

from __future__ import annotations

from gateway.asgi import ASGIApp, Receive, Scope, Send, request_state, send_response
from gateway.errors import NotFound
from gateway.paths import ROOT, BoardPath, InvalidPath, Redirect, parse


async def send_redirect(scope: Scope, send: Send, location: str) -> None:
    """Answer 308 to ``location``, keeping the query string."""
    query: bytes = scope.get("query_string", b"")
    target = location.encode("latin-1") + (b"?" + query if query else b"")
    await send_response(send, 308, b"", b"text/plain", [(b"location", target)])


class TargetMiddleware:
    """Stores the parsed path in the request state for the layers after it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        if raw_path == ROOT or raw_path.startswith(ROOT + b"/"):
            try:
                parsed: BoardPath | Redirect = parse(raw_path)
            except InvalidPath as exc:
                raise NotFound(str(exc)) from exc
            if isinstance(parsed, Redirect):
                if scope["type"] == "websocket":
                    raise NotFound("a WebSocket is not redirected")
                await send_redirect(scope, send, parsed.location)
                return
            request_state(scope).target = parsed
        await self.app(scope, receive, send)
