"""The tenant context of the request being served, and the gate that verifies it.

One process serves every tenant, so nothing about the tenant is kept on the app: the
gate verifies the gateway's signed headers on each request and puts the context in a
context variable that layouts and callbacks read with :func:`current_context`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from contextvars import ContextVar
from typing import Any

from tenant_context import (
    CONTEXT_HEADER,
    PREFIX_HEADER,
    SIGNATURE_HEADER,
    ContextError,
    TenantContext,
    board_info,
    verify_context,
)

from boardkit.memo import Recent
from boardkit.metrics import BoardMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_current: ContextVar[TenantContext | None] = ContextVar("boardkit_context", default=None)
_log = logging.getLogger("boardkit.context")

# These carry no tenant data, so they need no context: probes, metrics and static files.
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/_favicon.ico"})
OPEN_PREFIXES = ("/_dash-component-suites/", "/assets/")


class NoTenantContext(RuntimeError):
    """Tenant data was asked for outside a request that carries a verified context."""


def current_context() -> TenantContext:
    """The verified tenant context of the request being served.

    Raises NoTenantContext outside such a request.
    """
    context = _current.get()
    if context is None:
        raise NoTenantContext("no verified tenant context for this request")
    return context


def maybe_context() -> TenantContext | None:
    """Like :func:`current_context` but None outside a tenant request."""
    return _current.get()


def is_open_path(path: str) -> bool:
    """Whether ``path`` is served without a tenant context."""
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


_CONTEXT_KEY = CONTEXT_HEADER.lower().encode("latin-1")
_SIGNATURE_KEY = SIGNATURE_HEADER.lower().encode("latin-1")
_PREFIX_KEY = PREFIX_HEADER.lower().encode("latin-1")


def catalogue_service(slugs: Iterable[str]) -> str:
    """The one board service (the catalogue's ``service``) that serves ``slugs``; the
    gateway signs every context for the service it sends the request to."""
    services = {info.service for slug in slugs if (info := board_info(slug)) is not None}
    if len(services) != 1:
        raise ValueError(
            f"boards {sorted(slugs)!r} belong to services {sorted(services)!r}: "
            "name the one service this app is"
        )
    return services.pop()


class TenantGate:
    """Pure ASGI middleware: 403 for untrusted requests, the context set for trusted ones.

    A context is good only for the method, the board service (``service``, this app's)
    and the public prefix it was signed for. The gateway signs a tenant's context once
    per second and every request of that second carries the same headers, so a verified
    pair is remembered (bounded, keyed by all three) and a repeat costs a lookup and the
    freshness check instead of the HMAC and JSON validation.
    """

    def __init__(
        self,
        app: ASGIApp,
        secret: str,
        max_age: float,
        metrics: BoardMetrics,
        *,
        service: str,
        remembered: int = 4096,
    ) -> None:
        self.app = app
        self._secret = secret
        self._service = service
        self._max_age = max_age
        self._metrics = metrics
        self._verified: Recent[
            tuple[bytes, bytes, str, bytes | None], tuple[int, TenantContext]
        ] = Recent(remembered)

    def _verify(
        self,
        encoded: bytes | None,
        signature: bytes | None,
        method: str,
        prefix: bytes | None,
    ) -> TenantContext:
        if encoded is not None and signature is not None:
            known = self._verified.get((encoded, signature, method, prefix))
            if known is not None and abs(time.time() - known[0]) <= self._max_age:
                return known[1]
        headers: dict[str, str] = {}
        if encoded is not None:
            headers[CONTEXT_HEADER] = encoded.decode("latin-1")
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature.decode("latin-1")
        if prefix is not None:
            headers[PREFIX_HEADER] = prefix.decode("latin-1")
        context = verify_context(
            headers, self._secret, method=method, service=self._service, max_age=self._max_age
        )
        assert encoded is not None
        assert signature is not None
        # verify_context accepted "v2=<unix seconds>:<mac>", so the stamp parses.
        stamp = int(signature.partition(b"=")[2].partition(b":")[0])
        self._verified.put((encoded, signature, method, prefix), (stamp, context))
        return context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or is_open_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        encoded = signature = prefix = None
        for name, value in scope["headers"]:
            if name == _CONTEXT_KEY:
                encoded = value
            elif name == _SIGNATURE_KEY:
                signature = value
            elif name == _PREFIX_KEY:
                prefix = value
        # A WebSocket handshake is a GET.
        method: str = scope.get("method", "GET")
        try:
            context = self._verify(encoded, signature, method, prefix)
        except ContextError as exc:
            self._metrics.forbidden.labels(type(exc).__name__).inc()
            _log.info("refused %s: %s", scope["path"], type(exc).__name__)
            await _forbidden(scope, send)
            return
        token = _current.set(context)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)


async def _forbidden(scope: Scope, send: Send) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 4403})
        return
    body = json.dumps({"detail": "Forbidden", "code": "forbidden"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
