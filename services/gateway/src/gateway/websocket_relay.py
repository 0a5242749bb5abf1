"""Relaying one client WebSocket to a board replica, frame by frame, both ways.

The request has passed the same path, tenant and authentication checks as any other;
the board gets the same signed context headers. Browsers send ``Origin`` on WebSocket
handshakes and do not apply the same-origin policy to them, so the gateway accepts only
an ``Origin`` naming the host the client asked for (its own), then tells the board the
origin it expects (the replica's own), which Dash's WebSocket endpoint checks.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import aiohttp

from gateway.asgi import Receive, Scope, Send, header

# Set by the gateway for the board, or negotiated again by the upstream handshake.
_NOT_FORWARDED = frozenset(
    {
        "origin",
        "sec-websocket-key",
        "sec-websocket-version",
        "sec-websocket-extensions",
        "sec-websocket-protocol",
        "upgrade",
    }
)
# Close codes: policy violation (refused or revoked) and server error (board failed).
POLICY = 1008
BOARD_FAILED = 1011


def same_origin(scope: Scope) -> bool:
    """Whether the handshake's Origin names the host the client connected to."""
    origin = header(scope, b"origin")
    host = header(scope, b"host")
    if origin is None or host is None:
        return False
    return urlsplit(origin.decode("latin-1")).netloc.lower() == host.decode("latin-1").lower()


def board_headers(headers: list[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    """Return the handshake headers for the board, Origin set to the replica's own."""
    parts = urlsplit(base_url)
    kept = [(name, value) for name, value in headers if name.lower() not in _NOT_FORWARDED]
    kept.append(("Origin", f"{parts.scheme}://{parts.netloc}"))
    return kept


async def refuse(send: Send) -> None:
    """Refuse a handshake not yet accepted (the server answers 403)."""
    await send({"type": "websocket.close", "code": POLICY})


async def relay(
    receive: Receive,
    send: Send,
    board: aiohttp.ClientWebSocketResponse,
    revoked: asyncio.Event,
) -> None:
    """Accept the client and relay frames until either side closes or ``revoked`` is set."""
    await send({"type": "websocket.accept", "subprotocol": board.protocol})
    to_board = asyncio.ensure_future(_client_to_board(receive, board))
    to_client = asyncio.ensure_future(_board_to_client(board, send))
    revocation = asyncio.ensure_future(revoked.wait())
    try:
        done, _pending = await asyncio.wait(
            {to_board, to_client, revocation}, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        for task in (to_board, to_client, revocation):
            task.cancel()
        for task in (to_board, to_client, revocation):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    if revocation in done:
        await board.close(code=POLICY)
        with contextlib.suppress(Exception):
            await send({"type": "websocket.close", "code": POLICY, "reason": "access revoked"})
        return
    if to_board in done:
        # The client left: end the board's side too.
        await board.close()
        return
    code = board.close_code or BOARD_FAILED
    with contextlib.suppress(Exception):
        await send({"type": "websocket.close", "code": code})


async def _client_to_board(receive: Receive, board: aiohttp.ClientWebSocketResponse) -> None:
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "websocket.receive":
            text = message.get("text")
            if text is not None:
                await board.send_str(text)
            else:
                await board.send_bytes(message.get("bytes") or b"")
        elif kind == "websocket.disconnect":
            return


async def _board_to_client(board: aiohttp.ClientWebSocketResponse, send: Send) -> None:
    async for message in board:
        if message.type == aiohttp.WSMsgType.TEXT:
            await send({"type": "websocket.send", "text": message.data})
        elif message.type == aiohttp.WSMsgType.BINARY:
            await send({"type": "websocket.send", "bytes": message.data})
        else:
            return
