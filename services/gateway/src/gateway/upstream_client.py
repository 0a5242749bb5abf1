"""A lean HTTP/1.1 client for the boards: keep-alive connections per replica.

The gateway only ever sends a request it has already checked to a base URL it knows, and
streams the answer back untouched, so it needs none of a general client's work (URL
handling, cookies, redirects, decompression, tracing). Each request is written in one
piece when its body is small, and the answer is parsed by httptools, as uvicorn parses
the client's request.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httptools

from gateway.asgi import RawHeaders

# A body buffered beyond this pauses reading from the board until the client catches up.
_HIGH_WATER = 256 * 1024
# Idle connections kept per replica; more than this in use at once are closed after use.
_MAX_IDLE = 256


class UpstreamError(Exception):
    """A replica could not be asked or did not answer properly."""


class ConnectFailed(UpstreamError):
    """No connection could be made: nothing reached the replica."""


class ReadTimeout(UpstreamError):
    """The replica sent nothing for longer than the read timeout."""


class ConnectionBroken(UpstreamError):
    """The connection failed after the request was (perhaps partly) sent."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection, carrying one exchange at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[None] | None = None
        self._drain: asyncio.Future[None] | None = None
        self.reset()

    def reset(self) -> None:
        """Forget the last exchange, before the next one."""
        self.status = 0
        self.headers: RawHeaders = []
        self.headers_done = False
        self.complete = False
        self.keep_alive = False
        self.error: UpstreamError | None = None
        self.body: deque[bytes] = deque()
        self.buffered = 0
        self.reading_paused = False
        self.received_any = False

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.received_any = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self.error = ConnectionBroken(f"unreadable answer: {exc}")
            self.keep_alive = False
            self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.headers_done and not self.complete and self._ends_at_close():
            self.complete = True
        elif not self.complete and self.error is None:
            self.error = ConnectionBroken("the replica closed the connection")
        self._wake()
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    def pause_writing(self) -> None:
        self._drain = self._loop.create_future()

    def resume_writing(self) -> None:
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)
        self._drain = None

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.status = self._parser.get_status_code()
        self.keep_alive = self._parser.should_keep_alive()
        self.headers_done = True
        self._wake()

    def on_body(self, body: bytes) -> None:
        self.body.append(body)
        self.buffered += len(body)
        if self.buffered > _HIGH_WATER and not self.reading_paused and self.transport:
            self.reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        self.complete = True
        self._wake()

    # for the client

    def _ends_at_close(self) -> bool:
        # An answer with neither length nor chunking runs until the connection closes.
        return not any(
            name.lower() in (b"content-length", b"transfer-encoding") for name, _ in self.headers
        )

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self, limit: float) -> None:
        """Wait for the next event on this connection, at most ``limit`` seconds.

        One timer per wait is cheaper than ``asyncio.timeout``'s task bookkeeping.
        """
        waiter = self._waiter = self._loop.create_future()
        timer = self._loop.call_later(limit, _expire, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None

    async def drain(self) -> None:
        """Wait until the transport accepts more data."""
        if self._drain is not None:
            await self._drain

    def take_body(self) -> bytes:
        """Return and forget what has been received of the body so far."""
        chunks = self.body
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        chunks.clear()
        self.buffered = 0
        if self.reading_paused and self.transport is not None and not self.closed:
            self.reading_paused = False
            self.transport.resume_reading()
        return data

    def close(self) -> None:
        """Close the connection; it is not used again."""
        self.closed = True
        if self.transport is not None:
            self.transport.close()


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(ReadTimeout("the replica sent nothing in time"))


class UpstreamResponse:
    """A board's answer: status and raw headers at once, the body as it arrives."""

    def __init__(
        self, replica: Replica, conn: _Connection, read_timeout: float, bodiless: bool
    ) -> None:
        self._replica = replica
        self._conn = conn
        self._timeout = read_timeout
        self._bodiless = bodiless
        self._done = False
        self.status = conn.status
        self.headers = conn.headers

    @property
    def content_length(self) -> int | None:
        """The declared body length, if any."""
        for name, value in self.headers:
            if name.lower() == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return None
        return None

    async def chunks(self) -> AsyncIterator[bytes]:
        """Yield the body as it arrives; raise ReadTimeout or ConnectionBroken."""
        conn = self._conn
        if self._bodiless:
            return
        while True:
            if conn.body:
                yield conn.take_body()
                continue
            if conn.complete:
                return
            if conn.error is not None:
                raise conn.error
            await conn.wait(self._timeout)

    async def read(self) -> bytes:
        """Return the whole body."""
        parts = [chunk async for chunk in self.chunks()]
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def release(self) -> None:
        """Give the connection back for reuse if the exchange finished cleanly, else close it."""
        if self._done:
            return
        self._done = True
        conn = self._conn
        if conn.complete and conn.keep_alive and not conn.closed and not self._bodiless:
            self._replica.give_back(conn)
        else:
            conn.close()


class Replica:
    """Keep-alive connections to one base URL."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.https = parts.scheme == "https"
        self.port = parts.port or (443 if self.https else 80)
        self.path_prefix = parts.path.rstrip("/").encode("latin-1")
        shown = f"[{self.host}]" if ":" in self.host else self.host
        default_port = 443 if self.https else 80
        self.host_header = shown if self.port == default_port else f"{shown}:{self.port}"
        self._idle: list[_Connection] = []

    def take_idle(self) -> _Connection | None:
        """Return an open idle connection, if one is left."""
        idle = self._idle
        while idle:
            conn = idle.pop()
            if not conn.closed:
                return conn
        return None

    def give_back(self, conn: _Connection) -> None:
        """Keep ``conn`` for the next request."""
        conn.reset()
        if len(self._idle) < _MAX_IDLE:
            self._idle.append(conn)
        else:
            conn.close()

    def close(self) -> None:
        """Close every idle connection."""
        for conn in self._idle:
            conn.close()
        self._idle.clear()


class UpstreamClient:
    """Sends requests to replicas by base URL, reusing connections."""

    def __init__(self, *, connect_timeout: float, read_timeout: float) -> None:
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._replicas: dict[str, Replica] = {}
        self._ssl: ssl.SSLContext | None = None

    def _replica(self, base_url: str) -> Replica:
        replica = self._replicas.get(base_url)
        if replica is None:
            replica = self._replicas[base_url] = Replica(base_url)
        return replica

    async def _connect(self, replica: Replica) -> _Connection:
        loop = asyncio.get_running_loop()
        context: ssl.SSLContext | None = None
        if replica.https:
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            context = self._ssl
        try:
            _transport, conn = await asyncio.wait_for(
                loop.create_connection(
                    lambda: _Connection(loop), replica.host, replica.port, ssl=context
                ),
                self._connect_timeout,
            )
        except (OSError, TimeoutError) as exc:
            where = f"{replica.host}:{replica.port}"
            raise ConnectFailed(f"cannot connect to {where}: {exc!r}") from exc
        return conn

    async def request(
        self,
        base_url: str,
        method: str,
        target: bytes,
        headers: list[tuple[str, str]],
        body: bytes | AsyncIterator[bytes] | None,
        *,
        length: int | None = None,
    ) -> UpstreamResponse:
        """Send one request and return once the answer's headers have arrived.

        ``body`` is the whole body, or an iterator of its chunks (sent with ``length``
        as Content-Length when known, else chunked). Raises ConnectFailed when nothing
        reached the replica, ReadTimeout and ConnectionBroken after that.
        """
        replica = self._replica(base_url)
        lines = [f"Host: {replica.host_header}\r\n"]
        for name, value in headers:
            lowered = name.lower()
            if lowered == "content-length" or lowered == "transfer-encoding":
                continue
            lines.append(f"{name}: {value}\r\n")
        if isinstance(body, bytes):
            lines.append(f"Content-Length: {len(body)}\r\n")
        elif body is not None:
            lines.append(
                f"Content-Length: {length}\r\n"
                if length is not None
                else "Transfer-Encoding: chunked\r\n"
            )
        lines.append("\r\n")
        head = b"%b %b%b HTTP/1.1\r\n%b" % (
            method.encode("ascii"),
            replica.path_prefix,
            target,
            "".join(lines).encode("latin-1"),
        )
        conn = replica.take_idle()
        if conn is not None and isinstance(body, bytes | None):
            try:
                return await self._exchange(replica, conn, method, head, body)
            except ConnectionBroken:
                # A kept connection the board closed while idle: the request never got
                # there, so it goes again on a new connection, whatever the method.
                if conn.received_any:
                    raise
            conn = None
        return await self._exchange(
            replica, conn or await self._connect(replica), method, head, body, length
        )

    async def _exchange(
        self,
        replica: Replica,
        conn: _Connection,
        method: str,
        head: bytes,
        body: bytes | AsyncIterator[bytes] | None,
        length: int | None = None,
    ) -> UpstreamResponse:
        transport = conn.transport
        assert transport is not None
        try:
            if isinstance(body, bytes):
                transport.write(head + body)
            else:
                transport.write(head)
                if body is not None:
                    await self._send_stream(conn, transport, body, chunked=length is None)
            while not conn.headers_done:
                if conn.error is not None:
                    raise conn.error
                await conn.wait(self._read_timeout)
        except BaseException:
            conn.close()
            raise
        return UpstreamResponse(replica, conn, self._read_timeout, bodiless=method == "HEAD")

    async def _send_stream(
        self,
        conn: _Connection,
        transport: asyncio.Transport,
        body: AsyncIterator[bytes],
        *,
        chunked: bool,
    ) -> None:
        async for chunk in body:
            if conn.closed:
                raise conn.error or ConnectionBroken("the replica closed the connection")
            transport.write(b"%x\r\n%b\r\n" % (len(chunk), chunk) if chunked else chunk)
            await conn.drain()
        if chunked:
            transport.write(b"0\r\n\r\n")

    def close(self) -> None:
        """Close every idle connection."""
        for replica in self._replicas.values():
            replica.close()
