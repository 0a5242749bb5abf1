"""The gateway's edge limits, tried with raw sockets against a real gateway process."""

from __future__ import annotations

import json
import socket
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "support"))
from dash_board import callback_body

pytestmark = pytest.mark.integration

PER_CLIENT = 4
OVERALL = 6


@pytest.fixture(scope="module")
def limited(dash_stack: Any, start_gateway: Callable[..., Any]) -> tuple[int, str]:
    tenant = f"t_{uuid.uuid4().hex[:10]}"
    dash_stack.admin.add_tenant(tenant)
    dash_stack.admin.grant(tenant, "roughnator")
    upstreams = json.dumps({"board-roughnator": [dash_stack.board.url]})
    gateway = start_gateway(
        dash_stack.registry.url,
        upstreams,
        allow_anonymous="true",
        metrics_port="0",
        header_timeout="1",
        registry_timeout="10",
        keep_alive_timeout="1",
        max_connections=str(OVERALL),
        max_connections_per_client=str(PER_CLIENT),
    )
    return gateway.port, tenant


def connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket()
    sock.settimeout(8)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Read until the gateway closes the connection (or 8 s pass)."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (TimeoutError, ConnectionError):
        pass
    return data


def read_answer(sock: socket.socket, ending: bytes) -> bytes:
    """Read one answer up to ``ending``; its head and body may arrive in separate reads."""
    data = b""
    while ending not in data and (chunk := sock.recv(65536)):
        data += chunk
    return data


def callback_request(tenant: str, value: str, extra_headers: bytes = b"") -> bytes:
    body = callback_body(value)
    return (
        b"POST /dazzler/%b/-/roughnator/_dash-update-component HTTP/1.1\r\nHost: gw\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n%b\r\n%b"
        % (tenant.encode(), len(body), extra_headers, body)
    )


def test_a_head_over_the_limit_gets_431_and_one_under_it_passes(
    limited: tuple[int, str],
) -> None:
    port, tenant = limited
    sock = connect(port)
    sock.sendall(callback_request(tenant, "big", b"X-Padding: %b\r\n" % (b"a" * 40_000)))
    answer = read_all(sock)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 431 ")
    sock = connect(port)
    sock.sendall(callback_request(tenant, "fine", b"X-Padding: %b\r\n" % (b"a" * 20_000)))
    answer = read_answer(sock, b"FINE")
    sock.close()
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b"FINE" in answer


def test_a_large_body_is_not_taken_for_a_head(limited: tuple[int, str]) -> None:
    port, tenant = limited
    value = "v" * 60_000
    sock = connect(port)
    sock.sendall(callback_request(tenant, value))
    answer = b""
    while len(answer) < 60_000:
        chunk = sock.recv(65536)
        if not chunk:
            break
        answer += chunk
    sock.close()
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert value.upper().encode() in answer


@pytest.mark.parametrize("sent", [b"", b"GET /dazzler/x/-/ro"], ids=["nothing", "half-a-line"])
def test_a_connection_without_a_complete_head_is_closed(
    limited: tuple[int, str], sent: bytes
) -> None:
    port, _tenant = limited
    sock = connect(port)
    started = time.monotonic()
    if sent:
        sock.sendall(sent)
    assert read_all(sock) == b""
    sock.close()
    assert time.monotonic() - started < 4


def test_an_idle_keep_alive_connection_is_closed(limited: tuple[int, str]) -> None:
    port, tenant = limited
    sock = connect(port)
    sock.sendall(callback_request(tenant, "once"))
    first = read_answer(sock, b"ONCE")
    assert first.startswith(b"HTTP/1.1 200 ")
    started = time.monotonic()
    assert read_all(sock) == b""
    sock.close()
    assert time.monotonic() - started < 4


def test_a_connection_in_use_outlives_the_head_timeout(limited: tuple[int, str]) -> None:
    # Each wait for a head is timed from its own start, not from the first one.
    port, tenant = limited
    sock = connect(port)
    started = time.monotonic()
    for index in range(4):
        sock.sendall(callback_request(tenant, f"turn{index}"))
        assert f"TURN{index}".encode() in read_answer(sock, f"TURN{index}".encode())
        time.sleep(0.5)
    sock.close()
    assert time.monotonic() - started > 1.5


def test_connection_caps_answer_503_with_retry_after(limited: tuple[int, str]) -> None:
    port, tenant = limited
    greedy = [connect(port) for _ in range(PER_CLIENT)]
    try:
        # Let the gateway count them before the next one arrives.
        time.sleep(0.3)
        refused = connect(port)
        answer = read_all(refused)
        refused.close()
        assert answer.startswith(b"HTTP/1.1 503 ")
        assert b"\r\nRetry-After: 1\r\n" in answer
        others = [connect(port, "127.0.0.2") for _ in range(OVERALL - PER_CLIENT)]
        time.sleep(0.3)
        beyond = connect(port, "127.0.0.3")
        answer = read_all(beyond)
        beyond.close()
        assert answer.startswith(b"HTTP/1.1 503 ")
        for sock in others:
            sock.close()
    finally:
        for sock in greedy:
            sock.close()
    time.sleep(0.3)
    sock = connect(port)
    sock.sendall(callback_request(tenant, "after"))
    answer = sock.recv(65536)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 200 ")
