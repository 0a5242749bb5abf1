"""Requires a bearer JWT for the path's tenant on every ``/dazzler/`` request."""

from __future__ import annotations

from gateway.asgi import ASGIApp, Receive, Scope, Send, header, request_state
from gateway.oidc import TokenVerifier
from gateway.paths import BoardPath


class OidcMiddleware:
    """Checked before the registry is asked, so a stranger learns nothing about tenants."""

    def __init__(self, app: ASGIApp, verifier: TokenVerifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            target = request_state(scope).target
            if isinstance(target, BoardPath):
                self.verifier.check(header(scope, b"authorization"), target.tenant)
        await self.app(scope, receive, send)
