"""Free TCP ports for processes started on the loopback interface."""

from __future__ import annotations

import random
import socket
from contextlib import ExitStack
from pathlib import Path

_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 10_000
# Ports this process handed out already: never twice, even once their listener is gone.
_given: set[int] = set()


def _below_ephemeral() -> range | None:
    """Ports under the kernel's range for outgoing connections, when there are enough.

    A port the kernel chose with ``bind(0)`` comes from the same range it gives to the
    local end of outgoing connections, so between the choice and the server's own bind an
    unrelated client connection can take it. Ports below that range are never taken so.
    """
    try:
        low = int(_EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return range(_LOWEST, low) if low - _LOWEST >= 4096 else None


def _bindable(sock: socket.socket, host: str, port: int) -> bool:
    # As a server binds (uvicorn sets SO_REUSEADDR): connections still in TIME_WAIT on
    # the port do not stop it, a listener does.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        return False
    return True


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Return ``count`` distinct ports that nothing listens on at the moment of the call.

    All sockets are held open until every port is chosen, so no port is given twice;
    another process may still take one before it is used, but not as the local end of
    an outgoing connection (see :func:`_below_ephemeral`).
    """
    candidates = _below_ephemeral()
    with ExitStack() as stack:
        ports: list[int] = []
        attempts = 0
        while len(ports) < count:
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            attempts += 1
            if candidates is None or attempts > 1000:
                sock.bind((host, 0))
                port = int(sock.getsockname()[1])
            else:
                port = random.choice(candidates)
                if port in _given or not _bindable(sock, host, port):
                    continue
            _given.add(port)
            ports.append(port)
        return ports


def free_port(host: str = "127.0.0.1") -> int:
    """Return one port that nothing listens on at the moment of the call."""
    return free_ports(1, host)[0]
