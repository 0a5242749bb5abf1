"""A TCP server that answers every request with whatever bytes a test hands it: broken
framing, wrong lengths, garbage status lines, stalls. It stands in for a QuantumLeap or
Orion that misbehaves below the level httpx.MockTransport can imitate."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from dataclasses import dataclass


@dataclass(slots=True)
class Reply:
    """Raw bytes to send, then optionally a stall before closing."""

    data: bytes
    stall: float = 0.0


class _Handler(socketserver.BaseRequestHandler):
    server: MisbehavingServer

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(5)
        received = b""
        try:
            while b"\r\n\r\n" not in received:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                received += chunk
            reply = self.server.reply
            conn.sendall(reply.data)
            if reply.stall:
                time.sleep(reply.stall)
        except OSError:
            return


class MisbehavingServer(socketserver.ThreadingTCPServer):
    """Serves ``reply`` to every request until :meth:`close`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.reply = Reply(b"HTTP/1.1 204 No Content\r\n\r\n")
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


def response(status: str, body: bytes, *, length: int | None = None, extra: str = "") -> bytes:
    """An HTTP/1.1 answer whose Content-Length may lie (``length``)."""
    size = len(body) if length is None else length
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n"
    return (head + extra + "Connection: close\r\n\r\n").encode() + body
