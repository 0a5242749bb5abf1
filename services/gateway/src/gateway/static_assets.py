"""``/dazzler/-/static/<build>/<file>``: the boards' static assets on one shared path.

Every board serves the same JavaScript and CSS; on one path a browser fetches them once
for all boards and tenants instead of once per board. ``-`` can never be a tenant slug,
so the path cannot collide with a tenant's pages. The request goes to any board replica
that answers (every board service has the same assets) as ``/_static/<build>/<file>``,
with no tenant context and none of the client's headers but those a cache needs; the
board answers only for its own build and only with static files, 404 for anything else.
It is not behind OIDC: the files carry no tenant data.
"""

from __future__ import annotations

import re

from gateway.asgi import ASGIApp, Receive, Scope, Send, request_state
from gateway.errors import BoardUnavailable, NotFound
from gateway.proxy import Proxy
from gateway.upstreams import Upstreams

STATIC_ROOT = b"/dazzler/-/static/"
UPSTREAM_ROOT = b"/_static/"
_MAX_PATH = 1024
# What asset paths are made of (packages, fingerprinted file names): a plain segment
# cannot be a dot segment, carry percent-encoding or a separator, or reach a board route.
_BUILD = re.compile(rb"[0-9a-f]{16}")
_SEGMENT = re.compile(rb"[A-Za-z0-9_@+-][A-Za-z0-9_@+.-]*")
# Only what a cache needs crosses: nothing that could name a tenant or a user.
_FORWARDED = frozenset({b"accept-encoding", b"if-none-match", b"if-modified-since"})


def upstream_target(raw_path: bytes) -> bytes:
    """The board path for a public ``/dazzler/-/static/…`` path; NotFound if malformed."""
    if len(raw_path) > _MAX_PATH or not raw_path.startswith(STATIC_ROOT):
        raise NotFound("not a static asset path")
    build, _, rest = raw_path[len(STATIC_ROOT) :].partition(b"/")
    if not _BUILD.fullmatch(build):
        raise NotFound("bad asset build")
    segments = rest.split(b"/")
    if not rest or not all(_SEGMENT.fullmatch(s) for s in segments):
        raise NotFound("bad asset path")
    return UPSTREAM_ROOT + build + b"/" + rest


class StaticAssetRoute:
    """Answers the shared static path; passes every other request on to ``app``."""

    def __init__(self, app: ASGIApp, proxy: Proxy, upstreams: Upstreams) -> None:
        self.app = app
        self._proxy = proxy
        self._upstreams = upstreams
        self._next = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_path: bytes = (
            scope.get("raw_path") or scope.get("path", "").encode("utf-8")
            if scope["type"] == "http"
            else b""
        )
        if not raw_path.startswith(STATIC_ROOT):
            await self.app(scope, receive, send)
            return
        target = upstream_target(raw_path)
        if scope["method"] not in ("GET", "HEAD"):
            raise NotFound("static assets take GET and HEAD only")
        state = request_state(scope)
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in scope["headers"]
            if name.lower() in _FORWARDED
        ]
        headers.append(("X-Request-ID", state.request_id))
        pools = list(self._upstreams.pools.values())
        if not pools:
            raise BoardUnavailable("static assets")
        # Spread over the services; each pool still tries its healthy replicas first.
        start = self._next % len(pools)
        self._next = start + 1
        pools = pools[start:] + pools[:start]
        await self._proxy.forward_asset(scope, receive, send, pools, target, headers, state)
