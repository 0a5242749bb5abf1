"""The push load generator against a small board that speaks the push protocol.

The board here is an aiohttp server on a free port: a page with an entity picker, the
callback that lists entities, and ``_dazzler-push`` sending a point per series every
100 ms, with switches for the faults the generator must notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from dazzler_loadtest.push import PushOptions, run_push

ENTITIES = ["urn:ngsi-ld:RoughnessEstimate:1", "urn:ngsi-ld:RoughnessEstimate:2"]
PICKER = {"type": "bk-entities", "board": "roughnator"}
PICKER_KEY = '{"board":"roughnator","type":"bk-entities"}'
LAYOUT = {
    "type": "Div",
    "namespace": "dash_html_components",
    "props": {
        "children": [
            {
                "type": "Dropdown",
                "namespace": "dash_core_components",
                "props": {"id": PICKER, "options": [], "value": []},
            },
            {
                "type": "Interval",
                "namespace": "dash_core_components",
                "props": {"id": {"type": "bk-entities-poll", "board": "roughnator"}},
            },
            {
                "type": "Span",
                "namespace": "dash_html_components",
                "props": {"id": {"type": "bk-push", "board": "roughnator"}, "data-whole": "0"},
            },
        ]
    },
}
DEPENDENCIES = [
    {
        "output": '{"board":["MATCH"],"type":"bk-entities"}.options',
        "inputs": [
            {"id": '{"board":["MATCH"],"type":"bk-entities-poll"}', "property": "n_intervals"}
        ],
        "state": [],
        "clientside_function": None,
    }
]
TICK = 0.1
WHOLE = "*"


@dataclass
class Faults:
    """What the board does wrong, per stream it opens (counted from 1)."""

    refuse: int = 0  # HTTP status of every stream opening (0: open it)
    break_first_after: int = 0  # end the first stream after this many frames
    repeat_point: bool = False  # send each point twice, in two frames
    skip_viewer: int = 0  # on this stream number, leave out every other point
    bad_frame: bool = False  # one frame whose data is not JSON
    streams: int = 0
    afters: list[str | None] = field(default_factory=list)
    peers: set[str] = field(default_factory=set)


@dataclass
class Board:
    url: str
    faults: Faults
    history: dict[str, list[int]]


def _frame(series: str, times: list[int]) -> bytes:
    data = {
        "series": series,
        "t": times,
        "traces": [
            {"key": f"{series}/roughness", "columns": {"x": times, "y": [1.0] * len(times)}}
        ],
        "last": "",
        "at": int(time.time() * 1000),
    }
    return f"event: points\nid: {times[-1]}\ndata: {json.dumps(data)}\n\n".encode()


def _app(faults: Faults, history: dict[str, list[int]]) -> web.Application:
    async def layout(_request: web.Request) -> web.Response:
        return web.json_response(LAYOUT)

    async def dependencies(_request: web.Request) -> web.Response:
        return web.json_response(DEPENDENCIES)

    async def update(request: web.Request) -> web.Response:
        body = await request.json()
        assert body["outputs"] == {"id": PICKER, "property": "options"}
        options = [{"label": e, "value": e} for e in ENTITIES]
        return web.json_response({"response": {PICKER_KEY: {"options": options}}})

    async def index(_request: web.Request) -> web.Response:
        return web.Response(text="<html>board</html>", content_type="text/html")

    async def push(request: web.Request) -> web.StreamResponse:
        faults.streams += 1
        number = faults.streams
        faults.afters.append(request.query.get("after"))
        faults.peers.add(str(request.remote))
        if faults.refuse:
            return web.json_response({"detail": "no", "code": "forbidden"}, status=faults.refuse)
        series = request.query.getall("series")
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n: hb\n\n")
        for key in series:
            state = {"series": key, "state": "live", "detail": "ok"}
            await response.write(f"event: state\ndata: {json.dumps(state)}\n\n".encode())
        after = int(request.query.get("after", "0") or 0)
        sent = {key: after for key in series}
        frames = 0
        with contextlib.suppress(ConnectionResetError):
            while True:
                for key in series:
                    new = [t for t in history.get(key, []) if t > sent[key]]
                    if not new:
                        continue
                    sent[key] = new[-1]
                    if faults.skip_viewer == number:
                        new = [t for t in new if t % 2 == 0]
                        if not new:
                            continue
                    await response.write(_frame(key, new))
                    if faults.repeat_point:
                        await response.write(_frame(key, new[-1:]))
                    if faults.bad_frame and frames == 2:
                        await response.write(b"event: points\ndata: {not json\n\n")
                    frames += 1
                    if number == 1 and 0 < faults.break_first_after <= frames:
                        return response
                await asyncio.sleep(TICK / 2)
        return response

    app = web.Application()
    app.router.add_get("/b/", index)
    app.router.add_get("/b/_dash-layout", layout)
    app.router.add_get("/b/_dash-dependencies", dependencies)
    app.router.add_post("/b/_dash-update-component", update)
    app.router.add_get("/b/_dazzler-push", push)
    return app


async def _ticker(history: dict[str, list[int]]) -> None:
    step = 0
    while True:
        now = int(time.time() * 1000)
        for key in (*ENTITIES, WHOLE):
            # Even and odd times alternate, so skipping the odd ones loses points.
            history.setdefault(key, []).append(now - now % 2 + step % 2)
        step += 1
        await asyncio.sleep(TICK)


@pytest.fixture
async def board() -> AsyncIterator[Board]:
    faults = Faults()
    history: dict[str, list[int]] = {}
    runner = web.AppRunner(_app(faults, history), shutdown_timeout=0.2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    ticker = asyncio.create_task(_ticker(history))
    try:
        yield Board(f"http://127.0.0.1:{port}", faults, history)
    finally:
        ticker.cancel()
        await runner.cleanup()


def _options(board: Board, viewers: int = 4, **changes: Any) -> PushOptions:
    base: dict[str, Any] = {
        "hosts": (board.url,),
        "viewers": viewers,
        "path_template": "/b/",
        "spawn_rate": 50.0,
        "settle": 0.5,
        "measure": 1.5,
        "grace": 0.5,
        "open_wait": 2.0,
    }
    return PushOptions(**(base | changes))


async def test_viewers_receive_points_with_their_lag_and_nothing_is_lost(board: Board) -> None:
    result = await run_push(_options(board, settle=1.5))
    assert result["errors"] == 0, result["error_samples"]
    assert result["drops"] == 0
    assert result["duplicates"] == 0
    assert result["streams_measured"] == 4
    assert result["series"] == 2  # viewers spread over both entities
    assert result["lag_samples"] >= 4
    assert result["lag_ms"]["p50"] <= result["lag_ms"]["p95"] <= result["lag_ms"]["max"]
    assert result["bytes_per_frame"] > 100
    assert result["states"] == {"live": 4}
    generator = result["generator"]
    assert generator["samples"] >= 1
    assert generator["cpu_share_mean"] >= 0
    assert result["counted"] is True


async def test_a_broken_stream_reconnects_and_catches_up_without_gaps(board: Board) -> None:
    board.faults.break_first_after = 3
    result = await run_push(_options(board, viewers=1, measure=3.0, settle=0.0))
    assert result["reconnects"] == 1
    assert board.faults.afters[0] is None
    # The second opening asks for what is newer than the newest point it had.
    assert board.faults.afters[1] is not None
    assert int(board.faults.afters[1]) > 0
    assert result["drops"] == 0
    assert result["duplicates"] == 0
    assert result["errors"] == 0


async def test_a_point_sent_twice_is_a_duplicate(board: Board) -> None:
    board.faults.repeat_point = True
    result = await run_push(_options(board, viewers=1))
    assert result["duplicates"] > 0


async def test_a_viewer_missing_points_the_others_got_counts_drops(board: Board) -> None:
    board.faults.skip_viewer = 3  # the second viewer of the first entity
    result = await run_push(_options(board))
    assert result["drops"] > 0
    assert result["duplicates"] == 0


async def test_a_refused_stream_is_an_error_with_its_status(board: Board) -> None:
    board.faults.refuse = 403
    result = await run_push(_options(board, viewers=1, measure=0.5, grace=0.0))
    assert result["errors"] >= 1
    assert "HTTP 403" in result["error_samples"]["stream: open"][0]
    assert result["lag_samples"] == 0


async def test_a_frame_that_is_not_json_is_an_error(board: Board) -> None:
    board.faults.bad_frame = True
    result = await run_push(_options(board, viewers=1))
    assert result["errors_by_kind"] == {"stream: frame": 1}
    assert "{not json" in result["error_samples"]["stream: frame"][0]


async def test_a_page_that_does_not_load_is_an_error(board: Board) -> None:
    options = _options(board, viewers=1, path_template="/missing/", measure=0.5, grace=0.0)
    result = await run_push(options)
    assert result["errors_by_kind"] == {"page: index": 1}
    assert "HTTP 404" in result["error_samples"]["page: index"][0]


async def test_a_board_following_the_whole_type_is_asked_for_it(board: Board) -> None:
    LAYOUT["props"]["children"][2]["props"]["data-whole"] = "1"  # type: ignore[index]
    try:
        result = await run_push(_options(board, viewers=2))
    finally:
        LAYOUT["props"]["children"][2]["props"]["data-whole"] = "0"  # type: ignore[index]
    assert result["errors"] == 0, result["error_samples"]
    assert result["series"] == 1
    assert result["lag_samples"] > 0


async def test_a_board_without_push_is_an_error_that_says_so(board: Board) -> None:
    children = LAYOUT["props"]["children"]  # type: ignore[index]
    badge = children.pop()
    try:
        result = await run_push(_options(board, viewers=1, measure=0.5, grace=0.0))
    finally:
        children.append(badge)
    assert result["errors_by_kind"] == {"page: series": 1}
    assert "pushes nothing" in result["error_samples"]["page: series"][0]


async def test_viewers_connect_from_several_loopback_addresses(board: Board) -> None:
    result = await run_push(_options(board, viewers=4, per_address=2))
    assert result["errors"] == 0, result["error_samples"]
    assert board.faults.peers == {"127.0.1.1", "127.0.1.2"}


async def test_a_panel_board_follows_the_sources_its_badge_lists(board: Board) -> None:
    children = LAYOUT["props"]["children"]  # type: ignore[index]
    badge = children.pop()
    children.append(
        {
            "type": "Span",
            "namespace": "dash_html_components",
            "props": {
                "id": {"type": "bk-panel-push", "board": "roughnator"},
                "data-series": json.dumps(ENTITIES),
            },
        }
    )
    try:
        result = await run_push(_options(board, viewers=1))
    finally:
        children[-1] = badge
    assert result["errors"] == 0, result["error_samples"]
    assert result["series"] == 2
    assert board.faults.streams == 1  # both series on the page's one stream
