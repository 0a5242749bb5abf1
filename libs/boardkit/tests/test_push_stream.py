"""``GET /_dazzler-push`` on a board app: only a verified context opens a stream, every
bad parameter gets a clear 400, and a good request is an event stream that is never
compressed or buffered."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from boardkit import (
    Board,
    BoardSettings,
    Frame,
    Panels,
    PanelView,
    Source,
    SourceData,
    ViewContext,
    create_board_app,
)
from boardkit.app import BoardApp
from dash import html
from tenant_context import TenantContext, sign_context

SECRET = "push-test-secret-0123456789abcdef"
SERVICE = "board-x"


@pytest.fixture
async def app(live_board: Callable[..., Board]) -> AsyncIterator[BoardApp]:
    board_app = create_board_app(
        BoardSettings(shared_secret=SECRET, push_poll_seconds=0.05),
        [live_board("live")],
        service=SERVICE,
    )
    await board_app.runtime.start()
    try:
        yield board_app
    finally:
        await board_app.runtime.stop()


def _headers(signed: bool = True) -> list[tuple[bytes, bytes]]:
    headers = [(b"accept-encoding", b"gzip, br")]
    if signed:
        context = TenantContext(
            tenant="acme",
            display_name="ACME",
            fiware_service="acme",
            board="live",
            public_prefix="/dazzler/acme/-/live/",
        )
        signature = sign_context(context, SECRET, method="GET", service=SERVICE)
        headers += [(k.lower().encode(), v.encode()) for k, v in signature.items()]
    return headers


async def _get(
    app: BoardApp, query: str, *, signed: bool = True, until: bytes = b""
) -> tuple[int, dict[bytes, bytes], bytes]:
    """Status, headers and body; a stream is read until ``until`` appears, then left."""
    sent: list[dict[str, Any]] = []
    left = asyncio.Event()
    seen = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        if until and until in body:
            seen.set()

    async def receive() -> dict[str, Any]:
        await left.wait()
        return {"type": "http.disconnect"}

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/_dazzler-push",
        "query_string": query.encode(),
        "headers": _headers(signed),
    }
    task = asyncio.create_task(app(scope, receive, send))
    if until:
        await asyncio.wait_for(seen.wait(), 5)
        left.set()
    await asyncio.wait_for(task, 5)
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


async def test_a_stream_opens_with_the_retry_hint_and_the_series_state(app: BoardApp):
    status, headers, body = await _get(app, "series=urn:x:1", until=b"event: state")
    assert status == 200
    assert headers[b"content-type"].startswith(b"text/event-stream")
    assert b"content-encoding" not in headers
    assert body.startswith(b"retry: 2000\n\n")
    data = json.loads(body.split(b"event: state\ndata: ")[1].split(b"\n")[0])
    assert data == {"series": "urn:x:1", "state": "live", "detail": ""}


async def test_without_a_verified_context_no_stream_opens(app: BoardApp):
    status, _, body = await _get(app, "series=urn:x:1", signed=False)
    assert status == 403
    assert json.loads(body)["code"] == "forbidden"


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "name at least one series"),
        ("series=", "1 to 256 printable characters"),
        ("&".join(f"series=urn:x:{i}" for i in range(13)), "at most 12 series"),
        ("series=*", "unknown series '*'"),
        ("series=urn:x:1&after=yesterday", "whole number of epoch milliseconds"),
        ("series=urn:x:1&after=-5", "whole number of epoch milliseconds"),
        ("series=urn:x:1&since=5", "unknown parameter 'since'"),
    ],
)
async def test_bad_parameters_get_a_400_saying_what_is_wrong(app: BoardApp, query: str, says: str):
    status, headers, body = await _get(app, query)
    assert status == 400
    assert headers[b"content-type"] == b"application/json"
    answer = json.loads(body)
    assert answer["code"] == "bad_request"
    assert says in answer["detail"]


def _panel_board(frames: list[Frame]) -> Board:
    """A panel board whose one source answers the last of ``frames``."""

    async def fetch(*_args: object) -> Frame:
        return frames[-1]

    def render(data: SourceData, _view: ViewContext) -> Panels:
        return Panels(parts={"headline": "ok"}, summary="live")

    view = PanelView(
        sources=(Source("readings", fetch),),
        figures=(),
        parts=("headline",),
        layout=lambda slots: html.Div([slots.part("headline")]),
        render=render,
    )
    return Board(slug="live", title="Panels", explanation="", panels=view)


async def test_a_panel_source_pushes_changed_when_its_answer_changes(
    make_frame: Callable[..., Frame],
):
    frames = [make_frame("urn:x:1", [1.0])]
    board_app = create_board_app(
        BoardSettings(shared_secret=SECRET, push_poll_seconds=0.05, refresh_seconds=0.1),
        [_panel_board(frames)],
        service=SERVICE,
    )
    await board_app.runtime.start()
    try:
        status, _, body = await _get(board_app, "series=panel:nope")
        assert status == 400
        assert "panel:readings" in json.loads(body)["detail"]
        # The source's answer changes a moment after the stream opened.
        asyncio.get_running_loop().call_later(0.3, frames.append, make_frame("urn:x:1", [1.0, 2.0]))
        status, _, body = await _get(board_app, "series=panel:readings", until=b"event: changed")
        assert status == 200
        data = json.loads(body.split(b"event: changed\n")[1].split(b"data: ")[1].split(b"\n")[0])
        assert data["series"] == "panel:readings"
        assert data["t"] == [int(frames[-1].times[-1].timestamp() * 1000)]
    finally:
        await board_app.runtime.stop()


def test_a_board_described_by_each_tenant_still_builds_its_validation_page(
    live_board: Callable[..., Board],
):
    # Without a tenant (the validation layout) such a board resolves to no live view at
    # all; its page parts, push state included, are built from the declaration.
    declared = live_board("live")

    def per_tenant(_context: TenantContext) -> Board:
        return Board(slug="live", title="Unreadable", explanation="", unavailable="unreadable")

    board = Board(
        slug="live", title="Live", explanation="", live=declared.live, for_context=per_tenant
    )
    app = create_board_app(BoardSettings(shared_secret=SECRET), [board], service=SERVICE)
    assert app.dash.validation_layout is not None


async def test_an_idle_stream_carries_heartbeats(live_board: Callable[..., Board]):
    board_app = create_board_app(
        BoardSettings(shared_secret=SECRET, push_heartbeat_seconds=0.1),
        [live_board("live")],
        service=SERVICE,
    )
    await board_app.runtime.start()
    try:
        status, _, body = await _get(board_app, "series=urn:x:1", until=b": hb\n\n: hb\n\n")
        assert status == 200
        assert body.count(b": hb\n\n") >= 2
    finally:
        await board_app.runtime.stop()
