"""The innermost app: operations endpoints, the landing page and board requests."""

from __future__ import annotations

import json
import time

from gateway.asgi import Receive, Scope, Send, request_state, send_response
from gateway.errors import NotFound
from gateway.landing import landing_page
from gateway.metrics import Metrics
from gateway.middleware.target import send_redirect
from gateway.paths import BoardPath, Redirect
from gateway.proxy import Proxy
from gateway.registry_client import RegistryClient
from gateway.route_cache import RouteCache
from gateway.routes import Landing, Match, select

_JSON = b"application/json"


class Router:
    """Answers ``/healthz``, ``/readyz`` and ``/dazzler/<tenant>/-/…``.

    ``/metrics`` names tenants and boards, so it is served on the internal metrics
    listener only (gateway.metrics_server), never here.
    """

    def __init__(
        self,
        *,
        cache: RouteCache,
        registry: RegistryClient,
        proxy: Proxy,
        metrics: Metrics,
        stale_limit: float,
    ) -> None:
        self.cache = cache
        self.registry = registry
        self.proxy = proxy
        self.metrics = metrics
        self.stale_limit = stale_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = request_state(scope)
        target = state.target
        if isinstance(target, BoardPath):
            await self._board(scope, receive, send, target)
            return
        if scope["type"] == "websocket":
            raise NotFound("WebSockets only reach boards")
        path = scope["path"]
        if path == "/healthz":
            await send_response(send, 200, b'{"status":"ok"}', _JSON)
        elif path == "/readyz":
            await self._ready(send)
        else:
            raise NotFound(path)

    async def _ready(self, send: Send) -> None:
        contact = self.cache.last_contact
        warm = contact is not None and time.monotonic() - contact < self.stale_limit
        reachable = await self.registry.reachable()
        ready = reachable or (warm and len(self.cache) > 0)
        body = json.dumps(
            {"ready": ready, "registry_reachable": reachable, "cached_tenants": len(self.cache)}
        ).encode()
        await send_response(send, 200 if ready else 503, body, _JSON)

    async def _board(self, scope: Scope, receive: Receive, send: Send, target: BoardPath) -> None:
        table = await self.cache.get(target.tenant)
        if table is None:
            raise NotFound("tenant")
        selected = select(table, target)
        if selected is None:
            raise NotFound("board")
        state = request_state(scope)
        state.tenant = table.tenant.slug
        if scope["type"] == "websocket":
            if not isinstance(selected, Match):
                raise NotFound("no WebSocket here")
            state.board = selected.grant.board
            await self.proxy.forward_websocket(
                scope, receive, send, table, selected, target.home_prefix, state
            )
        elif isinstance(selected, Redirect):
            await send_redirect(scope, send, selected.location)
        elif isinstance(selected, Landing):
            if scope["method"] not in ("GET", "HEAD"):
                raise NotFound("landing page takes GET only")
            page = landing_page(table, target.home_prefix)
            await send_response(
                send,
                200,
                b"" if scope["method"] == "HEAD" else page,
                b"text/html; charset=utf-8",
                [(b"cache-control", b"no-store")],
            )
        else:
            state.board = selected.grant.board
            await self.proxy.forward(
                scope, receive, send, table, selected, target.home_prefix, state
            )
