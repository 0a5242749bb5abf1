from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from boardkit import Board, BoardSettings, Panels, PanelView, create_board_app
from boardkit.guard import CallbackGuard, CallbackShapes
from dazzler_stack.testing import live_outputs, live_update_request
from tenant_context import TenantContext, sign_context

SECRET = "guard-test-secret-0123456789"
MARKER = "zq9secretmarker"


def _context(board: str) -> TenantContext:
    return TenantContext(
        tenant="acme", display_name="Acme", fiware_service="acme", board=board, public_prefix="/"
    )


def _broken_board() -> Board:
    """A panel board whose render fails: a server error of the kit's own callback."""

    def render(_data: Any, _view: Any) -> Panels:
        return Panels(parts={"out": str(1 // 0)})

    view = PanelView(
        sources=(), figures=(), parts=("out",), layout=lambda s: s.part("out"), render=render
    )
    return Board(slug="broken", title="Broken", explanation="", panels=view)


def _broken_poll() -> dict[str, Any]:
    """The broken board's poll, as its page sends it."""

    def ident(kind: str, **extra: str) -> dict[str, str]:
        return {"board": "broken", "type": kind, **extra}

    outputs = [
        (ident("bk-slot", slot="out"), "children"),
        (ident("bk-status"), "children"),
        (ident("bk-status"), "color"),
        (ident("bk-status"), "className"),
        (ident("bk-freshness"), "children"),
        (ident("bk-revision"), "data"),
    ]
    keys = [json.dumps(i, sort_keys=True, separators=(",", ":")) for i, _ in outputs]
    output = "...".join(f"{key}.{prop}" for key, (_, prop) in zip(keys, outputs, strict=True))
    poll = ident("bk-panel-poll")
    return {
        "output": f"..{output}..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {"id": poll, "property": "n_intervals", "value": 1},
            {"id": ident("bk-address", view="panel"), "property": "search", "value": ""},
        ],
        "state": [{"id": ident("bk-revision"), "property": "data", "value": None}],
        "changedPropIds": [
            json.dumps(poll, sort_keys=True, separators=(",", ":")) + ".n_intervals"
        ],
    }


@pytest.fixture
async def client(live_board: Callable[..., Board]) -> AsyncIterator[httpx.AsyncClient]:
    settings = BoardSettings(shared_secret=SECRET, ql_url="http://127.0.0.1:9")
    app = create_board_app(settings, [live_board(), _broken_board()], service="board-test")
    await app.runtime.start()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://board") as http:
            yield http
    finally:
        await app.runtime.stop()


async def _post(client: httpx.AsyncClient, body: bytes, board: str = "live") -> httpx.Response:
    signed = sign_context(_context(board), SECRET, method="POST", service="board-test")
    headers = {**signed, "Content-Type": "application/json"}
    return await client.post("/_dash-update-component", content=body, headers=headers)


def _good(**changes: Any) -> dict[str, Any]:
    return {
        **live_update_request("live", selection=["urn:x:1"], poll=False, cursor=None),
        **changes,
    }


def _with_input(index: int, value: Any) -> dict[str, Any]:
    body = _good()
    body["inputs"][index]["value"] = value
    return body


def _deep() -> bytes:
    return ('{"output": ' + "[" * 5000 + "]" * 5000 + "}").encode()


MALFORMED: dict[str, Callable[[], bytes]] = {
    "not JSON": lambda: b"{nope",
    "empty body": lambda: b"",
    "JSON null": lambda: b"null",
    "a list": lambda: b"[]",
    "no output": lambda: b"{}",
    "unknown output": lambda: json.dumps(_good(output=MARKER + ".children")).encode(),
    "a clientside callback": lambda: json.dumps(
        _good(
            output='..{"board":["MATCH"],"type":"bk-last-n-row"}.style...'
            '{"board":["MATCH"],"type":"bk-custom-range"}.style..'
        )
    ).encode(),
    "inputs missing": lambda: json.dumps(_good(inputs=None)).encode(),
    "inputs a string": lambda: json.dumps(_good(inputs=MARKER)).encode(),
    "state missing": lambda: json.dumps(_good(state=[])).encode(),
    "too few outputs": lambda: json.dumps(_good(outputs=[{"id": {"type": "bk-graph"}}])).encode(),
    "wrong property": lambda: json.dumps(
        _good(state=[{"id": {"board": "live", "type": "bk-cursor"}, "property": "x"}])
    ).encode(),
    "ids of two boards": lambda: json.dumps(
        _good(state=[{"id": {"board": MARKER, "type": "bk-cursor"}, "property": "data"}])
    ).encode(),
    "changed ids not strings": lambda: json.dumps(_good(changedPropIds=[{"a": 1}])).encode(),
    "nested 5000 deep": _deep,
    "selection a number": lambda: json.dumps(_with_input(0, 5)).encode(),
    "selection an object": lambda: json.dumps(_with_input(0, {MARKER: 1})).encode(),
    "window a number": lambda: json.dumps(_with_input(1, 7)).encode(),
    "range start a list": lambda: json.dumps(_with_input(3, [MARKER])).encode(),
    "cursor a number": lambda: json.dumps(
        _good(
            state=[{"id": {"board": "live", "type": "bk-cursor"}, "property": "data", "value": 3}]
        )
    ).encode(),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
async def test_malformed_callback_requests_get_a_short_400(client, name) -> None:
    answer = await _post(client, MALFORMED[name]())
    assert answer.status_code == 400
    assert answer.json() == {"detail": "Malformed callback request", "code": "bad_request"}
    assert MARKER not in answer.text


async def test_well_formed_requests_are_answered_as_before(client) -> None:
    answer = await _post(client, json.dumps(_good()).encode())
    assert answer.status_code == 200
    parts = live_outputs(answer.json())
    assert parts["graph"]["figure"]["data"][0]["y"] == [1.0, 2.0, 3.0]
    poll = live_update_request(
        "live", selection=["urn:x:1"], poll=True, cursor=parts["cursor"]["data"]
    )
    again = await _post(client, json.dumps(poll).encode())
    assert again.status_code in (200, 204)


async def test_odd_but_possible_values_are_shown_as_states_not_refused(client) -> None:
    answer = await _post(client, json.dumps(_with_input(1, "decade")).encode())
    assert answer.status_code == 200
    assert "bk-status-" in live_outputs(answer.json())["status"]["className"]


async def test_a_failing_callback_stays_500_and_is_logged(client, caplog) -> None:
    body = _broken_poll()
    with caplog.at_level(logging.ERROR, logger="boardkit.guard"):
        answer = await _post(client, json.dumps(body).encode(), board="broken")
    assert answer.status_code == 500
    assert "Traceback" not in answer.text
    logged = [r for r in caplog.records if r.name == "boardkit.guard"]
    assert logged
    assert logged[0].exc_info is not None
    assert "ZeroDivisionError" in caplog.text


async def test_the_tenant_gate_still_comes_first(client) -> None:
    answer = await client.post("/_dash-update-component", content=b"{nope")
    assert answer.status_code == 403


async def test_oversized_bodies_get_413_before_any_parsing() -> None:
    reached = []

    async def app(*_args: Any) -> None:
        reached.append(True)

    guard = CallbackGuard(app, CallbackShapes({}), max_body=100)
    sent: list[dict[str, Any]] = []
    chunks = [{"type": "http.request", "body": b"x" * 60, "more_body": True}] * 3

    async def receive() -> dict[str, Any]:
        return chunks.pop()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/_dash-update-component", "method": "POST", "headers": []}
    await guard(scope, receive, send)
    assert sent[0]["status"] == 413
    assert not reached


async def test_unknown_component_suite_files_are_404_not_500(client: httpx.AsyncClient) -> None:
    for path in (
        "/_dash-component-suites/dash/nonexistent.js",
        "/_dash-component-suites/dash/deps/nonexistent.v9_9_9m1.js",
        "/_dash-component-suites/nosuchpackage/x.js",
        "/_dash-component-suites/",
    ):
        answer = await client.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["code"] == "not_found"
    page = (await client.get("/_dash-layout")).status_code
    assert page in (200, 403)  # the gate, not the suite guard, decides pages
