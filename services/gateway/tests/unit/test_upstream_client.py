"""The upstream client against small raw HTTP servers on loopback."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from gateway.upstream_client import ConnectFailed, ConnectionBroken, ReadTimeout, UpstreamClient

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return head, await reader.readexactly(length)


# Handler tasks still waiting when a test ends (a silent board) must be cancelled before
# the test's event loop closes, or their writers warn "loop is closed" during a later test.
_HANDLERS: set[asyncio.Task[None]] = set()


async def _serve(handler: Handler) -> tuple[asyncio.Server, str]:
    async def closing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        _HANDLERS.add(task)
        try:
            await handler(reader, writer)
        finally:
            _HANDLERS.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    server = await asyncio.start_server(closing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


async def _close(server: asyncio.Server) -> None:
    server.close()
    pending = list(_HANDLERS)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await server.wait_closed()


async def test_post_into_a_connection_the_board_dropped_is_not_sent_twice() -> None:
    seen: list[bytes] = []

    async def hang_up_on_the_second_request(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # Like a board whose keep-alive timer fired just as the next request came: the
        # request arrived, so sending it again could run a callback twice.
        _head, body = await _read_request(reader)
        seen.append(body)
        writer.write(OK)
        await writer.drain()
        _head, body = await _read_request(reader)
        seen.append(body)

    server, url = await _serve(hang_up_on_the_second_request)
    client = UpstreamClient(connect_timeout=2, read_timeout=5)
    try:
        response = await client.request(url, "POST", b"/cb", [], b"first")
        assert await response.read() == b"ok"
        response.release()
        with pytest.raises(ConnectionBroken):
            await client.request(url, "POST", b"/cb", [], b"second")
        response = await client.request(url, "POST", b"/cb", [], b"third")
        assert await response.read() == b"ok"
        response.release()
    finally:
        await client.close()
        await _close(server)
    assert seen == [b"first", b"second", b"third"]


async def test_body_shorter_than_declared_closes_the_connection() -> None:
    connections = 0

    async def count(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            try:
                await _read_request(reader)
            except asyncio.IncompleteReadError:
                break
            writer.write(OK)
            await writer.drain()

    async def short() -> AsyncIterator[bytes]:
        yield b"only-this"

    server, url = await _serve(count)
    client = UpstreamClient(connect_timeout=2, read_timeout=2)
    try:
        with pytest.raises(ConnectionBroken):
            await client.request(url, "POST", b"/cb", [], short(), length=100)
        response = await client.request(url, "GET", b"/next", [], None)
        assert await response.read() == b"ok"
        response.release()
    finally:
        await client.close()
        await _close(server)
    assert connections == 2


async def test_kept_connection_is_reused_and_request_arrives_intact() -> None:
    heads: list[bytes] = []
    connections = 0

    async def keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            try:
                head, _body = await _read_request(reader)
            except asyncio.IncompleteReadError:
                break
            heads.append(head)
            writer.write(OK)
            await writer.drain()

    server, url = await _serve(keep_alive)
    client = UpstreamClient(connect_timeout=2, read_timeout=5)
    try:
        for _ in range(3):
            response = await client.request(
                url, "GET", b"/a%20b?x=1", [("Accept", "text/plain"), ("Accept", "*/*")], None
            )
            assert await response.read() == b"ok"
            response.release()
    finally:
        await client.close()
        await _close(server)
    assert connections == 1
    first = heads[0].split(b"\r\n")
    assert first[0] == b"GET /a%20b?x=1 HTTP/1.1"
    assert first.count(b"Accept: text/plain") == 1
    assert first.count(b"Accept: */*") == 1


async def test_streamed_body_is_sent_chunked_and_chunked_answer_streams_back() -> None:
    received: list[bytes] = []

    async def chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        assert b"Transfer-Encoding: chunked" in head
        received.append(await reader.readuntil(b"0\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for part in (b"abc", b"defg"):
            writer.write(b"%x\r\n%b\r\n" % (len(part), part))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async def parts() -> AsyncIterator[bytes]:
        yield b"hello "
        yield b"world"

    server, url = await _serve(chunked)
    client = UpstreamClient(connect_timeout=2, read_timeout=5)
    try:
        response = await client.request(url, "POST", b"/up", [], parts())
        assert await response.read() == b"abcdefg"
        response.release()
    finally:
        await client.close()
        await _close(server)
    assert received == [b"6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n"]


async def test_silent_board_times_out_and_closed_port_fails_to_connect() -> None:
    release = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        await release.wait()

    server, url = await _serve(silent)
    client = UpstreamClient(connect_timeout=2, read_timeout=0.2)
    try:
        with pytest.raises(ReadTimeout):
            await client.request(url, "GET", b"/", [], None)
    finally:
        release.set()
        await client.close()
        await asyncio.sleep(0.05)
        await _close(server)
    # The port is free again once the server is closed: nothing listens there.
    try:
        with pytest.raises(ConnectFailed):
            await client.request(url, "GET", b"/", [], None)
    finally:
        await client.close()
