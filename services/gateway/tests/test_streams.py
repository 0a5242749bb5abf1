"""WebSockets and streamed answers through a real gateway to a real Dash board process."""

from __future__ import annotations

import json
import socket
import time
import uuid
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

pytestmark = pytest.mark.integration


@pytest.fixture
def tenant(dash_stack: Any) -> str:
    name = f"t_{uuid.uuid4().hex[:10]}"
    dash_stack.admin.add_tenant(name)
    dash_stack.admin.grant(name, "roughnator")
    return name


def ws_url(stack: Any, tenant: str) -> str:
    return f"ws://127.0.0.1:{stack.gateway.port}/dazzler/{tenant}/-/roughnator/ws-echo"


def own_origin(stack: Any) -> Origin:
    return Origin(f"http://127.0.0.1:{stack.gateway.port}")


def test_websocket_round_trip_carries_the_signed_context(dash_stack: Any, tenant: str) -> None:
    with connect(
        ws_url(dash_stack, tenant),
        origin=own_origin(dash_stack),
        open_timeout=10,
    ) as ws:
        assert json.loads(ws.recv(timeout=10)) == {"hello": True, "signed": True}
        for text in ("one", "two"):
            ws.send(text)
            assert ws.recv(timeout=10) == f"echo:{text}"


def test_websocket_from_another_origin_is_refused(dash_stack: Any, tenant: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(dash_stack, tenant), origin=Origin("http://evil.example"), open_timeout=10)
    assert refused.value.response.status_code == 403


def test_websocket_to_a_board_not_granted_is_refused(dash_stack: Any) -> None:
    stranger = f"t_{uuid.uuid4().hex[:10]}"
    dash_stack.admin.add_tenant(stranger)
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(dash_stack, stranger), origin=own_origin(dash_stack), open_timeout=10)
    assert refused.value.response.status_code == 403


def test_open_websocket_closes_within_2_s_of_revocation(dash_stack: Any, tenant: str) -> None:
    with connect(
        ws_url(dash_stack, tenant),
        origin=own_origin(dash_stack),
        open_timeout=10,
    ) as ws:
        ws.recv(timeout=10)
        dash_stack.admin.revoke(tenant, "roughnator")
        revoked_at = time.monotonic()
        _wait_closed(ws)
        assert time.monotonic() - revoked_at < 2.5


def _wait_closed(ws: Any) -> None:
    """Return once the gateway has closed ``ws``; a 5 s silence fails instead."""
    try:
        while True:
            ws.send("still there?")
            ws.recv(timeout=5)
    except ConnectionClosed:
        return


def _open_events(stack: Any, tenant: str, count: int, pause: float) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", stack.gateway.port), timeout=10)
    sock.sendall(
        b"GET /dazzler/%b/-/roughnator/events?count=%d&pause=%b HTTP/1.1\r\nHost: gw\r\n\r\n"
        % (tenant.encode(), count, str(pause).encode())
    )
    return sock


def test_server_sent_events_flow_through_one_by_one(dash_stack: Any, tenant: str) -> None:
    sock = _open_events(dash_stack, tenant, 4, 0.5)
    started = time.monotonic()
    received = b""
    arrivals: list[float] = []
    while b"event 3" not in received:
        chunk = sock.recv(65536)
        assert chunk, received
        received += chunk
        arrivals.append(time.monotonic() - started)
    sock.close()
    assert received.startswith(b"HTTP/1.1 200 ")
    assert b"text/event-stream" in received
    # The first event came long before the last was sent: nothing was held back.
    assert arrivals[0] < 1.0
    assert arrivals[-1] > 1.4


def test_open_event_stream_closes_within_2_s_of_revocation(dash_stack: Any, tenant: str) -> None:
    sock = _open_events(dash_stack, tenant, 1000, 0.2)
    assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
    dash_stack.admin.revoke(tenant, "roughnator")
    revoked_at = time.monotonic()
    sock.settimeout(5)
    while sock.recv(65536):
        pass
    sock.close()
    assert time.monotonic() - revoked_at < 2.5
    # Ended by the gateway on purpose (logged as such), not a board that broke off.
    time.sleep(0.3)
    assert "broke off mid-answer" not in dash_stack.gateway.output()


def test_a_viewer_closing_its_stream_is_no_warning(dash_stack: Any, tenant: str) -> None:
    # Thousands of viewers leave at once when a shift ends; each is routine, not a board
    # that broke off.
    before = dash_stack.gateway.output().count("broke off mid-answer")
    socks = [_open_events(dash_stack, tenant, 1000, 0.2) for _ in range(3)]
    for sock in socks:
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        sock.close()
    time.sleep(1.0)
    assert dash_stack.gateway.output().count("broke off mid-answer") == before
