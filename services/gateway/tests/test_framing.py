"""Hostile HTTP/1.1 framing through a real gateway in front of a real Dash board.

Each attack is sent over raw sockets by one tenant; then other tenants use the same
board. The rule checked every time: each answer belongs to the request that asked (the
board's callback upper-cases a value unique to each request), no answer crosses tenants,
and nothing hangs (every read has a bounded timeout).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "support"))
from dash_board import callback_body

pytestmark = pytest.mark.integration

# Far below the gateway's 60 s upstream timeout: a poisoned connection shows as a hang.
READ_TIMEOUT = 8.0
CALLBACK = "_dash-update-component"


class _Reader:
    """One buffered reader shared by every answer; an answer's end does not close it."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)

    def close(self) -> None:
        return None


class _Socket:
    """What http.client.HTTPResponse needs from a socket."""

    def __init__(self, reader: Any) -> None:
        self._reader = _Reader(reader)

    def makefile(self, mode: str) -> Any:
        return self._reader


class Client:
    """A raw connection to the gateway that reads answers in order."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT)
        self._reader = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answer(self, method: str = "POST") -> tuple[int, bytes]:
        response = http.client.HTTPResponse(_Socket(self._reader), method=method)  # type: ignore[arg-type]
        response.begin()
        return response.status, response.read()

    def close(self) -> None:
        self._reader.close()
        self.sock.close()


def nonce(tenant: str) -> str:
    return f"{tenant}-{uuid.uuid4().hex[:8]}"


def callback(tenant: str, value: str, extra: bytes = b"") -> bytes:
    body = callback_body(value)
    return (
        b"POST /dazzler/%b/-/roughnator/%b HTTP/1.1\r\nHost: gw\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n%b\r\n%b"
        % (tenant.encode(), CALLBACK.encode(), len(body), extra, body)
    )


def owner(body: bytes) -> str:
    """Return the value the board upper-cased in a callback answer."""
    return str(json.loads(body)["response"]["echo"]["children"])


@pytest.fixture(scope="module")
def gateway(dash_stack: Any) -> Any:
    return dash_stack


@pytest.fixture(scope="module")
def tenants(gateway: Any) -> tuple[str, str, str]:
    names = tuple(f"t_{uuid.uuid4().hex[:10]}" for _ in range(3))
    for name in names:
        gateway.admin.add_tenant(name)
        gateway.admin.grant(name, "roughnator")
    return names  # type: ignore[return-value]


def assert_each_gets_its_own(port: int, tenants: tuple[str, ...], rounds: int = 4) -> None:
    """Every tenant's callbacks, on fresh and kept connections, come back to it alone."""
    for _ in range(rounds):
        clients = {tenant: Client(port) for tenant in tenants}
        try:
            for _ in range(2):
                for tenant, client in clients.items():
                    value = nonce(tenant)
                    client.send(callback(tenant, value))
                    status, body = client.answer()
                    assert status == 200, (tenant, status, body[:200])
                    assert owner(body) == value.upper()
        finally:
            for client in clients.values():
                client.close()


def drain(client: Client, limit: float = READ_TIMEOUT) -> bytes:
    """Read whatever the gateway sends until it closes or goes quiet."""
    client.sock.settimeout(limit)
    received = b""
    try:
        while chunk := client.sock.recv(65536):
            received += chunk
    except (TimeoutError, ConnectionError):
        pass
    return received


def test_reproduction_short_body_then_smuggled_requests_in_a_body(
    gateway: Any, tenants: tuple[str, str, str]
) -> None:
    demo, acme, _other = tenants
    port = gateway.gateway.port
    # 1. Declare 70000 bytes to a path the board answers 405 without reading, send
    #    fewer, leave.
    first = Client(port)
    first.send(
        b"POST /dazzler/%b/-/roughnator/_dash-layout HTTP/1.1\r\nHost: gw\r\n"
        b"Content-Type: application/json\r\nContent-Length: 70000\r\n\r\n"
        % demo.encode()
        + b"{" * 5000
    )
    time.sleep(0.3)
    first.close()
    # 2. Next request's body carries two complete requests.
    smuggled = (
        b"GET /readyz HTTP/1.1\r\nHost: board\r\n\r\n"
        + b"POST /%b HTTP/1.1\r\nHost: board\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%b"
        % (CALLBACK.encode(), len(callback_body("smuggled")), callback_body("smuggled"))
    )
    second = Client(port)
    second.send(
        b"POST /dazzler/%b/-/roughnator/_dash-layout HTTP/1.1\r\nHost: gw\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%b"
        % (demo.encode(), len(smuggled), smuggled)
    )
    status, _ = second.answer()
    assert status == 405
    second.close()
    # 3. Other tenants, and demo again, get their own answers and nothing else.
    assert_each_gets_its_own(port, (acme, demo))


def test_declared_200000_sent_1000_then_disconnect_does_not_stall_others(
    gateway: Any, tenants: tuple[str, str, str]
) -> None:
    demo, acme, other = tenants
    port = gateway.gateway.port
    for _ in range(3):
        client = Client(port)
        client.send(
            b"POST /dazzler/%b/-/roughnator/%b HTTP/1.1\r\nHost: gw\r\n"
            b"Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n"
            % (demo.encode(), CALLBACK.encode())
            + b"x" * 1000
        )
        time.sleep(0.2)
        client.close()
    started = time.monotonic()
    assert_each_gets_its_own(port, (acme, other, demo))
    assert time.monotonic() - started < 4 * READ_TIMEOUT


def test_early_answer_while_a_large_body_is_still_streaming(
    gateway: Any, tenants: tuple[str, str, str]
) -> None:
    demo, acme, _other = tenants
    port = gateway.gateway.port
    client = Client(port)
    body = b"GET /readyz HTTP/1.1\r\nHost: board\r\n\r\n" * 4000
    client.send(
        b"POST /dazzler/%b/-/roughnator/_dash-layout HTTP/1.1\r\nHost: gw\r\n"
        b"Content-Length: %d\r\n\r\n" % (demo.encode(), len(body))
    )
    client.send(body[:70000])
    status, _ = client.answer()
    assert status == 405
    # The rest arrives after the answer; it must not reach the board as requests.
    with contextlib.suppress(OSError):
        client.send(body[70000:])
    client.close()
    assert_each_gets_its_own(port, (acme, demo))


def test_body_longer_than_declared_is_the_same_clients_next_request(
    gateway: Any, tenants: tuple[str, str, str]
) -> None:
    demo, acme, _other = tenants
    port = gateway.gateway.port
    mine, extra = nonce(demo), nonce(demo)
    client = Client(port)
    client.send(callback(demo, mine) + callback(demo, extra))
    answers = [client.answer(), client.answer()]
    client.close()
    assert [owner(body) for _, body in answers] == [mine.upper(), extra.upper()]
    assert_each_gets_its_own(port, (acme, demo))


def test_pipelined_requests_are_answered_in_order(
    gateway: Any, tenants: tuple[str, str, str]
) -> None:
    demo, acme, other = tenants
    port = gateway.gateway.port
    values = [nonce(demo) for _ in range(5)]
    client = Client(port)
    client.send(b"".join(callback(demo, value) for value in values))
    got = [owner(client.answer()[1]) for _ in values]
    client.close()
    assert got == [value.upper() for value in values]
    assert_each_gets_its_own(port, (acme, other))


@pytest.mark.parametrize(
    "framing",
    [
        pytest.param(b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", id="cl-and-te"),
        pytest.param(b"Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n", id="te-xchunked"),
        pytest.param(b"Transfer-Encoding: chunked, identity\r\n", id="te-list"),
        pytest.param(b"Transfer-Encoding:\tchunked\r\nContent-Length: 4\r\n", id="te-tab"),
        pytest.param(b"Content-Length: 4\r\nContent-Length: 60\r\n", id="duplicate-cl"),
        pytest.param(b"Content-Length: 4, 60\r\n", id="cl-list"),
    ],
)
def test_ambiguous_framing_never_reaches_another_tenant(
    gateway: Any, tenants: tuple[str, str, str], framing: bytes
) -> None:
    demo, acme, other = tenants
    port = gateway.gateway.port
    hidden = nonce(demo)
    inner = callback(demo, hidden).replace(b"/dazzler/%b/-/roughnator" % demo.encode(), b"")
    body = b"0\r\n\r\n" + inner
    client = Client(port)
    client.send(
        b"POST /dazzler/%b/-/roughnator/_dash-layout HTTP/1.1\r\nHost: gw\r\n%b\r\n%b"
        % (demo.encode(), framing, body)
    )
    received = drain(client, 3.0)
    client.close()
    assert received.startswith(b"HTTP/1.1 ") or received == b""
    # The hidden request, if answered at all, went only to the client that sent it.
    assert_each_gets_its_own(port, (acme, other))
    check = Client(port)
    value = nonce(acme)
    check.send(callback(acme, value))
    status, answer = check.answer()
    check.close()
    assert status == 200
    assert hidden.upper().encode() not in answer


def test_bare_line_feeds_are_refused_or_parsed_consistently(
    gateway: Any, tenants: tuple[str, str, str]
) -> None:
    demo, acme, other = tenants
    port = gateway.gateway.port
    hidden = nonce(demo)
    client = Client(port)
    client.send(callback(demo, hidden).replace(b"\r\n", b"\n"))
    received = drain(client, 3.0)
    client.close()
    assert received == b"" or received.startswith(b"HTTP/1.1 ")
    assert_each_gets_its_own(port, (acme, other))
