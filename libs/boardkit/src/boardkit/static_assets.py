"""Static assets on one path shared by every board and tenant.

Every board page loads the same JavaScript and CSS (Dash, its components, Bootstrap, the
kit's stylesheet, plotly.js). Served under each board's own prefix, a browser fetches them
again for every board it opens; served from one path, once per build. The gateway forwards
``/dazzler/-/static/<build>/<rest>`` to any board replica as ``/_static/<build>/<rest>``,
which this module answers from Dash's component suites (or the favicon) when ``<build>`` is
this app's build, and 404 otherwise.

``<build>`` is a digest of the content of every file the app registers, so it changes
whenever any asset does, and is the same for every service and replica holding the same
files, however and whenever they were installed (Dash's own fingerprints hold file times,
so the index drops them: the build directory fingerprints every file under it). That also
covers what Dash cannot fingerprint: dcc loads its async chunks (``async-graph.js``…) from
next to its own bundle, so they land under the same build directory.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from dash import Dash
from dash.fingerprint import check_fingerprint

from boardkit.context import ASGIApp, Message, Receive, Scope, Send

# The public path, fixed by the gateway (a tenant slug cannot be "-").
SHARED_STATIC_ROOT = "/dazzler/-/static/"
# What the gateway sends upstream for SHARED_STATIC_ROOT.
UPSTREAM_STATIC_ROOT = "/_static/"
COMPONENT_SUITES = "/_dash-component-suites/"
FAVICON = "_favicon.ico"
IMMUTABLE = b"public, max-age=31536000, immutable"

# The partial plotly.js bundle (cartesian traces only): dcc's Graph uses ``window.Plotly``
# when a script already set it, so Dash's full 4.8 MB plotly.min.js is never fetched.
PLOTLY_JS: dict[str, Any] = {
    "namespace": "boardkit",
    "relative_package_path": "static/plotly/plotly-cartesian.min.js",
}

# The board page's push client (server-sent events into set_props).
PUSH_JS: dict[str, Any] = {
    "namespace": "boardkit",
    "relative_package_path": "static/push_client.js",
}

# dcc's async chunks for the components the boards use (Graph, Dropdown, Markdown and
# its code highlighting). Each page prefetches them, so opening a board that uses one the
# previous board did not costs nothing either (about 110 kB, once).
PREFETCHED_CHUNKS = (
    "dash/dcc/async-graph.js",
    "dash/dcc/async-dropdown.js",
    "dash/dcc/async-markdown.js",
    "dash/dcc/async-highlight.js",
)
_BUILD = re.compile(r"[0-9a-f]{16}")


def asset_build(dash_app: Dash) -> str:
    """Register every script and stylesheet of ``dash_app`` for serving and return the
    digest of the registered files' names and contents (16 hex digits).

    Dash registers an asset only when it renders an index page; doing it here lets any
    replica answer the shared path before it has rendered a page.
    """
    # Dash's own rendering of the tags registers the paths; the private methods are the
    # only way to register exactly what the index page will carry.
    dash_app._generate_scripts_html()
    dash_app._generate_css_dist_html()  # type: ignore[no-untyped-call]
    digest = hashlib.sha256()
    registered: dict[str, set[str]] = dash_app.registered_paths
    for package in sorted(registered):
        root = Path(sys.modules[package].__file__ or "").parent
        for relative in sorted(registered[package]):
            file = root / relative
            content = file.read_bytes() if file.is_file() else b""
            digest.update(f"{package}/{relative}\0{len(content)}\0".encode())
            digest.update(hashlib.sha256(content).digest())
    if not registered:
        raise RuntimeError("the app registers no static assets")
    return digest.hexdigest()[:16]


def unfingerprinted(path: str) -> str:
    """``path`` without Dash's ``.v<version>m<mtime>`` fingerprint, if it has one."""
    plain, _fingerprinted = check_fingerprint(path)  # type: ignore[no-untyped-call]
    return str(plain)


def shared_prefix(build: str) -> str:
    """The public URL prefix of the assets of ``build``."""
    return f"{SHARED_STATIC_ROOT}{build}/"


class SharedAssets:
    """Pure ASGI middleware answering ``/_static/<build>/<rest>``.

    ``<rest>`` is a file the app registered (``<package>/<file>``, fingerprinted or not)
    or the favicon; answers are marked immutable. Anything else under ``/_static/`` is a
    404 before the app sees it, so the shared path reaches static files only: never a
    layout, a callback or a page (Dash answers unknown paths with its index page).

    ``registered`` is the app's live ``registered_paths`` (package → relative paths).
    """

    def __init__(self, app: ASGIApp, build: str, registered: Mapping[str, Collection[str]]) -> None:
        if not _BUILD.fullmatch(build):
            raise ValueError(f"asset build {build!r} is not 16 hex digits")
        self.app = app
        self._root = f"{UPSTREAM_STATIC_ROOT}{build}/"
        self._registered = registered

    def _servable(self, rest: str) -> bool:
        if rest == FAVICON:
            return True
        package, _, file = rest.partition("/")
        if not file:
            return False
        return unfingerprinted(file) in self._registered.get(package, ())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(UPSTREAM_STATIC_ROOT):
            await self.app(scope, receive, send)
            return
        rest = path[len(self._root) :] if path.startswith(self._root) else ""
        if not self._servable(rest) or scope["method"] not in ("GET", "HEAD"):
            await _not_found(send)
            return
        inner = COMPONENT_SUITES + rest if rest != FAVICON else "/" + FAVICON
        scope = {**scope, "path": inner, "raw_path": inner.encode("utf-8"), "query_string": b""}

        async def immutable(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"cache-control", b"etag")
                ]
                headers.append((b"cache-control", IMMUTABLE))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, immutable)


async def _not_found(send: Send) -> None:
    body = b'{"detail":"Not Found","code":"not_found"}'
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
