"""Free TCP ports for processes started on the loopback interface."""

from __future__ import annotations

import socket
from contextlib import ExitStack


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Return ``count`` distinct ports that nothing listens on at the moment of the call.

    All sockets are held open until every port is chosen, so the OS cannot hand out the
    same port twice; another process may still take one before it is used.
    """
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((host, 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def free_port(host: str = "127.0.0.1") -> int:
    """Return one port that nothing listens on at the moment of the call."""
    return free_ports(1, host)[0]
