"""Requests to the boards over aiohttp's kept-alive connections, reused only when clean.

A connection goes back to the pool only after an exchange that ended cleanly on both
sides: the whole request body sent as declared, the whole answer read, and no error.
Anything else (a client that left mid-body, a board that answered before the body was
all sent, an answer cut short, a timeout) closes it, so that no byte of one exchange
can be read as part of the next one, whichever tenant sends it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from yarl import URL

from gateway.asgi import RawHeaders

# aiohttp adds these when the caller does not; the gateway forwards what the client sent.
_NO_AUTO_HEADERS = ("User-Agent", "Accept-Encoding", "Accept", "Content-Type")


class UpstreamError(Exception):
    """A replica could not be asked or did not answer properly."""


class ConnectFailed(UpstreamError):
    """No connection could be made: nothing reached the replica."""


class ReadTimeout(UpstreamError):
    """The replica sent nothing for longer than the read timeout."""


class ConnectionBroken(UpstreamError):
    """The connection failed after the request was (perhaps partly) sent."""


class _SentBody:
    """The request body handed to aiohttp, counted so that a short one is never completed.

    Ending with fewer or more bytes than declared raises inside aiohttp's body writer,
    which closes the connection instead of leaving the board waiting for the rest.
    """

    def __init__(self, source: AsyncIterator[bytes], length: int | None) -> None:
        self._source = source
        self._length = length
        self.sent = 0
        self.complete = False

    async def chunks(self) -> AsyncIterator[bytes]:
        length = self._length
        async for chunk in self._source:
            self.sent += len(chunk)
            if length is not None and self.sent > length:
                raise ConnectionBroken(f"request body longer than its declared {length} bytes")
            yield chunk
        if length is not None and self.sent != length:
            raise ConnectionBroken(f"request body of {self.sent} bytes, {length} declared")
        self.complete = True


class UpstreamResponse:
    """A board's answer: status and raw headers at once, the body as it arrives."""

    def __init__(
        self, response: aiohttp.ClientResponse, body: _SentBody | None, bodiless: bool
    ) -> None:
        self._response = response
        self._body = body
        self._bodiless = bodiless
        self._read_all = False
        self._done = False
        self.status = response.status
        self.headers: RawHeaders = list(response.raw_headers)
        # Set when the gateway itself ended the answer (the client left, access ended).
        self.ended_here = False

    @property
    def content_length(self) -> int | None:
        """The declared body length, if any."""
        return self._response.content_length

    async def chunks(self) -> AsyncIterator[bytes]:
        """Yield the body as it arrives; raise ReadTimeout or ConnectionBroken."""
        if self._bodiless:
            self._read_all = True
            return
        content = self._response.content
        try:
            while True:
                chunk = await content.readany()
                if not chunk:
                    break
                yield chunk
        except TimeoutError as exc:
            raise ReadTimeout("the replica sent nothing in time") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise ConnectionBroken(f"the answer broke off: {exc!r}") from exc
        self._read_all = True

    async def read(self) -> bytes:
        """Return the whole body."""
        parts = [chunk async for chunk in self.chunks()]
        return parts[0] if len(parts) == 1 else b"".join(parts)

    @property
    def clean(self) -> bool:
        """Whether the exchange ended so that its connection may carry another one."""
        body_sent = self._body is None or self._body.complete
        return body_sent and self._read_all and not self._bodiless

    def end(self) -> None:
        """End the answer from this side: the client left, or its tenant lost the board."""
        self.ended_here = True
        self.close()

    def release(self) -> None:
        """Give the connection back for reuse if the exchange was clean, else close it."""
        if self._done:
            return
        self._done = True
        if self.clean:
            self._response.release()
        else:
            self._response.close()

    def close(self) -> None:
        """Close the connection whatever state the exchange is in."""
        self._done = True
        self._response.close()


class UpstreamClient:
    """Sends requests to replicas by base URL, reusing connections only after clean exchanges."""

    def __init__(
        self, *, connect_timeout: float, read_timeout: float, keepalive_timeout: float = 4.0
    ) -> None:
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=connect_timeout, sock_read=read_timeout
        )
        self._keepalive_timeout = keepalive_timeout
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=0,
                # Shorter than the boards' own keep-alive, so that the gateway drops an
                # idle connection before the board does and never sends a POST into one
                # that is being closed.
                keepalive_timeout=self._keepalive_timeout,
                ttl_dns_cache=None,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                # Never keep cookies: one session serves every tenant.
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=_NO_AUTO_HEADERS,
                timeout=self._timeout,
            )
        return self._session

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
        session = self._open()
        url = URL(base_url.rstrip("/") + target.decode("latin-1"), encoded=True)
        sent: list[tuple[str, str]] = [
            (name, value)
            for name, value in headers
            if name.lower() not in ("content-length", "transfer-encoding", "host")
        ]
        counted: _SentBody | None = None
        data: bytes | AsyncIterator[bytes] | None = body
        if isinstance(body, bytes):
            sent.append(("Content-Length", str(len(body))))
        elif body is not None:
            counted = _SentBody(body, length)
            data = counted.chunks()
            if length is not None:
                sent.append(("Content-Length", str(length)))
        try:
            response = await session.request(
                method,
                url,
                headers=sent,
                data=data,
                allow_redirects=False,
                # The board's answer is relayed as it is, whatever its framing says.
                compress=None,
                chunked=None,
            )
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise ConnectFailed(f"cannot connect to {base_url}: {exc!r}") from exc
        except TimeoutError as exc:
            raise ReadTimeout("the replica sent nothing in time") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise ConnectionBroken(f"{base_url}: {exc!r}") from exc
        return UpstreamResponse(response, counted, bodiless=method == "HEAD")

    async def websocket(
        self,
        base_url: str,
        target: bytes,
        headers: list[tuple[str, str]],
        protocols: list[str],
    ) -> aiohttp.ClientWebSocketResponse:
        """Open a WebSocket to the replica; raise ConnectFailed or ConnectionBroken.

        ConnectionBroken carries the board's refusal status when it answered the
        handshake with one.
        """
        session = self._open()
        url = URL("ws" + base_url.rstrip("/")[4:] + target.decode("latin-1"), encoded=True)
        try:
            return await session.ws_connect(
                url,
                headers=headers,
                protocols=protocols,
                autoping=True,
                timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5.0),
                max_msg_size=0,
                compress=0,
            )
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise ConnectFailed(f"cannot connect to {base_url}: {exc!r}") from exc
        except aiohttp.WSServerHandshakeError as exc:
            raise ConnectionBroken(f"{base_url} refused the WebSocket: {exc.status}") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise ConnectionBroken(f"{base_url}: {exc!r}") from exc

    async def close(self) -> None:
        """Close every connection."""
        if self._session is not None:
            await self._session.close()
            self._session = None
