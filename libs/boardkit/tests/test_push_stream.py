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
    Picker,
    Source,
    SourceData,
    SourceRequest,
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


def _picked_board(lists: list[list[str]], details: dict[str, list[str]]) -> Board:
    """A panel board whose picker lists the last of ``lists`` and whose ``detail`` source,
    per picked ``thing``, answers the last of ``details[thing]``."""

    async def options(*_args: object) -> list[str]:
        return lists[-1]

    async def detail(_clients: object, _fiware: object, request: SourceRequest) -> str:
        return details[request.choices["thing"]][-1]

    view = PanelView(
        sources=(Source("detail", detail, choices=("thing",)),),
        figures=(),
        parts=("headline",),
        layout=lambda slots: html.Div([slots.picker("thing"), slots.part("headline")]),
        render=lambda _data, _view: Panels(parts={"headline": "ok"}, summary="live"),
        pickers=(Picker("thing", Source("things", options), label="Thing", noun="things"),),
    )
    return Board(slug="live", title="Panels", explanation="", panels=view)


def _changed(body: bytes) -> list[dict[str, Any]]:
    return [
        json.loads(part.split(b"data: ")[1].split(b"\n")[0])
        for part in body.split(b"event: changed\n")[1:]
    ]


async def test_a_source_of_a_picked_option_pushes_within_a_poll_whatever_the_refresh():
    lists = [["urn:t:1", "urn:t:2"]]
    details = {"urn:t:1": ["one"], "urn:t:2": ["two"]}
    # The page polls every 30 s; what changes reaches the stream at the push pace.
    board_app = create_board_app(
        BoardSettings(shared_secret=SECRET, push_poll_seconds=0.05, refresh_seconds=30),
        [_picked_board(lists, details)],
        service=SERVICE,
    )
    await board_app.runtime.start()
    try:
        later = asyncio.get_running_loop().call_later
        later(0.3, details["urn:t:2"].append, "two, changed")
        series = "panel:detail?thing=urn%3At%3A2"
        status, _, body = await _get(board_app, f"series={series}", until=b"event: changed")
        assert status == 200
        assert [c["series"] for c in _changed(body)] == [series]
        # A new option of the picker is pushed as well.
        later(0.3, lists.append, ["urn:t:1", "urn:t:2", "urn:t:3"])
        status, _, body = await _get(board_app, "series=panel:things", until=b"event: changed")
        assert status == 200
        assert [c["series"] for c in _changed(body)] == ["panel:things"]
    finally:
        await board_app.runtime.stop()


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("series=panel:detail", "this source's series is panel:detail?thing=<value>"),
        ("series=panel:detail?thing=", "this source's series is panel:detail?thing=<value>"),
        ("series=panel:detail?other=urn%3At%3A1", "this source's series is panel:detail?"),
        ("series=panel:things?thing=urn%3At%3A1", "this source's series is panel:things"),
        ("series=panel:detail?thing=urn%3At%3A9", "urn:t:9 is not among this tenant's things"),
        ("series=panel:nope", "this board's series are panel:detail, panel:things"),
    ],
)
async def test_a_picked_series_the_board_does_not_have_gets_a_400(query: str, says: str):
    board_app = create_board_app(
        BoardSettings(shared_secret=SECRET, push_poll_seconds=0.05),
        [_picked_board([["urn:t:1"]], {"urn:t:1": ["one"]})],
        service=SERVICE,
    )
    await board_app.runtime.start()
    try:
        status, _, body = await _get(board_app, query)
        assert status == 400
        assert says in json.loads(body)["detail"]
    finally:
        await board_app.runtime.stop()
