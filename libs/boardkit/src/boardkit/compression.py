"""Response compression (brotli or gzip) and cache headers, as pure ASGI middleware.

Factory networks are slow and a board page is mostly JavaScript. Immutable assets (those
under the shared static path, :mod:`boardkit.static_assets`, and Dash's fingerprinted
component suites) keep their ``Cache-Control: public, max-age=31536000, immutable`` in
every encoding, and their compressed bytes are kept (bounded by the number of assets the
app registers) at the densest setting. Other component-suite files keep a validator: a
compressed answer carries Dash's ETag as a weak one (RFC 9110 §8.8.3: the bytes differ
per encoding) and must be revalidated. Everything else carries tenant data and must not
be stored by shared caches.
"""

from __future__ import annotations

import asyncio
import gzip

import brotli

from boardkit.context import ASGIApp, Message, Receive, Scope, Send
from boardkit.memo import Recent

_COMPRESSIBLE = (
    b"text/",
    b"application/json",
    b"application/javascript",
    b"application/x-javascript",
    b"image/svg+xml",
)
# Below about one packet's payload, compressing saves no round trip, only CPU (a live
# poll's answer is usually a few hundred bytes).
_MIN_SIZE = 1400
_ASSET_PREFIX = "/_dash-component-suites/"
_IMMUTABLE = b"public, max-age=31536000, immutable"
_PRIVATE = b"private, no-cache"
_REVALIDATE = b"no-cache"


def _choose(accept: str) -> str | None:
    offered = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    if "br" in offered:
        return "br"
    if "gzip" in offered:
        return "gzip"
    return None


def _compress(body: bytes, encoding: str, *, static: bool) -> bytes:
    if encoding == "br":
        # Static assets are compressed once and kept, so they get a denser setting; 10
        # and 11 would save another 6 % of plotly.js for 8 times the first request's wait.
        return bytes(brotli.compress(body, quality=9 if static else 4))
    return gzip.compress(body, compresslevel=6 if static else 5)


async def _off_loop(body: bytes, encoding: str, *, static: bool) -> bytes:
    # Compressing plotly.min.js takes long enough to stall every other request.
    if len(body) < 64 * 1024:
        return _compress(body, encoding, static=static)
    return await asyncio.to_thread(_compress, body, encoding, static=static)


class Compression:
    """Compresses responses and sets Cache-Control and Vary."""

    def __init__(self, app: ASGIApp, max_cached_assets: int = 256) -> None:
        self.app = app
        self._assets: Recent[tuple[str, str], bytes] = Recent(max_cached_assets)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accept = ""
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept = value.decode("latin-1")
        encoding = _choose(accept)
        path: str = scope["path"]
        if path.startswith(_ASSET_PREFIX):
            scope = {**scope, "headers": _strong_validators(scope["headers"])}
        start: Message | None = None
        chunks: list[bytes] = []
        streaming = False

        async def capture(message: Message) -> None:
            nonlocal start, streaming
            if message["type"] == "http.response.start":
                start = message
                # An event stream never ends: it is passed on as written, uncompressed.
                streaming = _is_event_stream(message)
                if streaming:
                    await send(message)
                return
            if streaming or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            await self._finish(start, b"".join(chunks), encoding, path, send)

        await self.app(scope, receive, capture)

    async def _finish(
        self, start: Message, body: bytes, encoding: str | None, path: str, send: Send
    ) -> None:
        headers = [(k.lower(), v) for k, v in start.get("headers", [])]
        lookup = dict(headers)
        given = lookup.get(b"cache-control", b"")
        asset = path.startswith(_ASSET_PREFIX)
        static = b"immutable" in given or (asset and b"max-age=31536000" in given)
        headers = [(k, v) for k, v in headers if k != b"cache-control"]
        if static:
            headers.append((b"cache-control", _IMMUTABLE))
        elif not asset:
            headers.append((b"cache-control", given or _PRIVATE))
        else:
            headers.append((b"cache-control", given or _REVALIDATE))
        content_type = lookup.get(b"content-type", b"")
        compressible = (
            encoding is not None
            and len(body) >= _MIN_SIZE
            and b"content-encoding" not in lookup
            and start["status"] == 200
            and content_type.startswith(_COMPRESSIBLE)
        )
        if compressible:
            assert encoding is not None
            body = (
                await self._encoded(path, body, encoding)
                if static
                else (await _off_loop(body, encoding, static=False))
            )
            etag = lookup.get(b"etag")
            headers = [(k, v) for k, v in headers if k not in (b"content-length", b"etag")]
            if etag and not static:
                headers.append((b"etag", _weak(etag)))
            headers.append((b"content-encoding", encoding.encode()))
            headers.append((b"content-length", str(len(body)).encode()))
        if content_type.startswith(_COMPRESSIBLE):
            headers.append((b"vary", b"Accept-Encoding"))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _encoded(self, path: str, body: bytes, encoding: str) -> bytes:
        key = (path, encoding)
        cached = self._assets.get(key)
        if cached is None:
            cached = await _off_loop(body, encoding, static=True)
            self._assets.put(key, cached)
        return cached


def _is_event_stream(start: Message) -> bool:
    return any(
        k.lower() == b"content-type" and v.startswith(b"text/event-stream")
        for k, v in start.get("headers", [])
    )


def _weak(etag: bytes) -> bytes:
    if etag.startswith(b"W/"):
        return etag
    return b'W/"' + etag.strip(b'"') + b'"'


def _strong_validators(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    # A browser revalidates a compressed asset with the weak ETag it was given; Dash
    # compares If-None-Match with its own (unquoted) ETag, so it gets that form back.
    out = []
    for name, value in headers:
        if name == b"if-none-match" and value.startswith(b'W/"'):
            value = value[3:].rstrip(b'"')
        out.append((name, value))
    return out
