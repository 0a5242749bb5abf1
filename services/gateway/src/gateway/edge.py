"""Limits every public HTTP server needs and uvicorn lacks: head size, head timeout, caps.

uvicorn's httptools protocol has no limit on the size of a request head, no timeout for
a client that sends nothing (or half a request line), and only an overall concurrency
limit whose 503 carries no ``Retry-After``. :class:`EdgeProtocol` adds them by wrapping
the protocol uvicorn would use, through the ``asyncio.Protocol`` interface only (uvicorn
is told to use it with its documented ``http`` option), and :class:`EdgeMiddleware`,
the outermost ASGI layer, tells each connection's guard when a request has started and
when its answer is complete: only between those is the client sending a head.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from uvicorn.config import HTTP_PROTOCOLS
from uvicorn.importer import import_from_string

from gateway.asgi import ASGIApp, Message, Receive, Scope, Send

# What uvicorn would use for http="httptools", looked up the way uvicorn does.
_INNER: type[asyncio.Protocol] = import_from_string(HTTP_PROTOCOLS["httptools"])


def _plain(status: bytes, text: bytes, extra: bytes = b"") -> bytes:
    """Return a whole closing answer, written before uvicorn has seen any request."""
    return (
        b"HTTP/1.1 %b\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n%bConnection: close"
        b"\r\n\r\n%b" % (status, len(text), extra, text)
    )


# A client told to come back in a second, not hammering at once.
_BUSY = _plain(b"503 Service Unavailable", b"too many connections\n", b"Retry-After: 1\r\n")
_HEAD_TOO_LARGE = _plain(b"431 Request Header Fields Too Large", b"request head too large\n")


@dataclass(frozen=True, slots=True)
class EdgeLimits:
    """The limits one serving process applies (see docs/gateway.md)."""

    max_head_bytes: int = 32 * 1024
    header_timeout: float = 10.0
    max_connections: int = 1024
    max_connections_per_client: int = 128


class _Connections:
    """This process's open connections: counts per client address, guards by peer."""

    def __init__(self) -> None:
        self.limits = EdgeLimits()
        self.total = 0
        self.per_address: dict[str, int] = {}
        self.guards: dict[tuple[str, int], EdgeProtocol] = {}


_CONNECTIONS = _Connections()


def configure(limits: EdgeLimits) -> None:
    """Set the limits for connections made from now on in this process."""
    _CONNECTIONS.limits = limits


class EdgeProtocol(asyncio.Protocol):
    """One client connection: uvicorn's protocol inside, the edge limits around it."""

    __slots__ = (
        "_address",
        "_arguments",
        "_awaiting_head",
        "_check_pending",
        "_counted",
        "_draining",
        "_head_bytes",
        "_inner",
        "_limits",
        "_loop",
        "_peer",
        "_timer",
        "_transport",
        "_waiting_since",
    )

    def __init__(self, **uvicorn_arguments: Any) -> None:
        self._arguments = uvicorn_arguments
        self._inner: asyncio.Protocol | None = None
        self._transport: asyncio.Transport | None = None
        self._loop = asyncio.get_event_loop()
        self._limits = _CONNECTIONS.limits
        self._address = ""
        self._peer: tuple[str, int] | None = None
        self._counted = False
        self._awaiting_head = True
        self._draining = False
        self._head_bytes = 0
        # When the client was last free to send a head (or the rest of a body it no
        # longer needs to); the head timeout counts from here.
        self._waiting_since = self._loop.time()
        self._timer: asyncio.TimerHandle | None = None
        self._check_pending = False

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self._peer = (str(peer[0]), int(peer[1]))
            self._address = self._peer[0]
        limits = self._limits
        connections = _CONNECTIONS
        if (
            connections.total >= limits.max_connections
            or connections.per_address.get(self._address, 0) >= limits.max_connections_per_client
        ):
            self._refuse(_BUSY)
            return
        connections.total += 1
        connections.per_address[self._address] = connections.per_address.get(self._address, 0) + 1
        self._counted = True
        if self._peer is not None:
            connections.guards[self._peer] = self
        self._inner = _INNER(**self._arguments)
        self._inner.connection_made(transport)
        self._wait_for_head()

    def data_received(self, data: bytes) -> None:
        inner = self._inner
        if inner is None:
            return
        if not self._awaiting_head:
            inner.data_received(data)
            return
        self._head_bytes += len(data)
        inner.data_received(data)
        if self._head_bytes > self._limits.max_head_bytes and not self._check_pending:
            # The bytes may have completed a head and begun its body: the request's task,
            # scheduled by uvicorn during this call, runs first and says so.
            self._check_pending = True
            self._loop.call_soon(self._check_head)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        if self._counted:
            self._counted = False
            connections = _CONNECTIONS
            connections.total -= 1
            left = connections.per_address.get(self._address, 1) - 1
            if left > 0:
                connections.per_address[self._address] = left
            else:
                connections.per_address.pop(self._address, None)
            if self._peer is not None and connections.guards.get(self._peer) is self:
                del connections.guards[self._peer]
        if self._inner is not None:
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()

    # signals from EdgeMiddleware

    def request_started(self) -> None:
        """A complete head reached the app: no head is being sent now."""
        self._awaiting_head = False
        self._draining = False
        self._head_bytes = 0

    def response_done(self, body_pending: bool = False) -> None:
        """The answer is complete: the client may send its next head from now on.

        After an early answer (413, 405 …) the client may still be sending the body it
        declared: uvicorn's parser frames and discards those bytes, so they are not a head
        and must not be counted as one. Closing at once instead would reset the connection
        with unread data and could destroy the answer before the client reads it; the
        drain is bounded by the same timeout as a head.
        """
        self._awaiting_head = not body_pending
        self._draining = body_pending
        self._head_bytes = 0
        self._wait_for_head()

    # limits

    def _check_head(self) -> None:
        self._check_pending = False
        if self._awaiting_head and self._head_bytes > self._limits.max_head_bytes:
            self._refuse(_HEAD_TOO_LARGE)

    def _wait_for_head(self) -> None:
        """Start the head timeout from now.

        A keep-alive client starts a wait after every answer, and arming and cancelling
        a timer for each was a measurable share of this layer's cost. One timer per
        connection stays armed instead; when it fires after a later wait began, it moves
        to that wait's deadline, so a connection is still closed one timeout after its
        wait began, not later.
        """
        self._waiting_since = now = self._loop.time()
        if self._timer is None:
            self._timer = self._loop.call_at(now + self._limits.header_timeout, self._timed_out)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        if not (self._awaiting_head or self._draining) or self._transport is None:
            # A request is being answered; its answer starts the next wait.
            return
        deadline = self._waiting_since + self._limits.header_timeout
        if deadline > self._loop.time():
            self._timer = self._loop.call_at(deadline, self._timed_out)
            return
        self._transport.close()

    def _refuse(self, answer: bytes) -> None:
        transport = self._transport
        if transport is not None and not transport.is_closing():
            transport.write(answer)
            transport.close()


def _read_head(scope: Scope) -> tuple[int, bool]:
    """Return the head's size in bytes (about) and whether it announces a body.

    One walk over the headers for both: a body is announced by a length other than 0 or
    by chunks.
    """
    headers = scope["headers"]
    # Request line and separators: "METHOD PATH?QUERY HTTP/1.1\r\n", ": " and "\r\n".
    size = len(scope.get("method", "GET")) + len(scope.get("raw_path") or b"") + 12
    size += len(scope.get("query_string", b"")) + 4 * len(headers)
    declares_body = False
    for name, value in headers:
        size += len(name) + len(value)
        if name == b"content-length":
            declares_body = declares_body or value.strip() != b"0"
        elif name == b"transfer-encoding":
            declares_body = True
    return size, declares_body


async def _refuse_head(scope: Scope, send: Send) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = b"request head too large\n"
    await send(
        {
            "type": "http.response.start",
            "status": 431,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class _Exchange:
    """One HTTP request and its answer, as the connection's guard needs to see them."""

    __slots__ = ("_receive", "_send", "body_read", "ended", "guard")

    def __init__(self, guard: EdgeProtocol, receive: Receive, send: Send, body_read: bool) -> None:
        self.guard = guard
        self._receive = receive
        self._send = send
        self.body_read = body_read
        self.ended = False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            self.body_read = True
        return message

    def send(self, message: Message) -> Awaitable[None]:
        # Only the last message needs noticing after it is sent; the others go straight
        # through, without a coroutine of this layer around them.
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            return self._send_last(message)
        return self._send(message)

    async def _send_last(self, message: Message) -> None:
        await self._send(message)
        self.ended = True
        self.guard.response_done(body_pending=not self.body_read)


class EdgeMiddleware:
    """Tells the connection's :class:`EdgeProtocol` when each request starts and ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        guard = _CONNECTIONS.guards.get((client[0], client[1])) if client else None
        if guard is None or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        guard.request_started()
        size, declares_body = _read_head(scope)
        if size > _CONNECTIONS.limits.max_head_bytes:
            # A head that arrived whole in one read was never counted byte by byte.
            await _refuse_head(scope, send)
            guard.response_done()
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(guard, receive, send, body_read=not declares_body)
        try:
            # Without a declared body there is nothing to drain after the answer, so the
            # app reads the request straight from uvicorn.
            await self.app(scope, exchange.receive if declares_body else receive, exchange.send)
        finally:
            # An app that failed before its last message still frees the connection for
            # a next head (uvicorn answers 500 itself, past this layer).
            if not exchange.ended:
                guard.response_done(body_pending=not exchange.body_read)
