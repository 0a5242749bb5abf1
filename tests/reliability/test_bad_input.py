"""Bad input: malformed upstream answers, malformed callback bodies, oversized bodies
and slow clients. Each gets a documented error or a 4xx, never a crash or a trace."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ngsi import FiwareContext, NgsiError, OrionClient, QuantumLeapClient
from reliability_kit import dash_calls
from reliability_kit.misbehaving import MisbehavingServer, Reply, response
from reliability_kit.tenants import ACME, BOARD, leaked, other, shows_trace

CTX = FiwareContext(service="acme", service_path="/")
# The reliability stack's gateway (conftest.py) closes a connection whose request head is
# not complete within this many seconds.
GATEWAY_HEADER_TIMEOUT = 4.0

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
ql_like = st.fixed_dictionaries(
    {},
    optional={
        "entityId": json_values, "id": json_values, "entityType": json_values,
        "type": json_values, "index": json_values, "attributes": json_values,
        "values": json_values, "entities": json_values, "attrName": json_values,
    },
)  # fmt: skip
bodies = (
    json_values.map(lambda v: json.dumps(v).encode())
    | ql_like.map(lambda v: json.dumps(v).encode())
    | st.lists(ql_like, max_size=3).map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=200)
)
statuses = st.sampled_from(
    ["200 OK", "201 Created", "204 No Content", "301 Moved", "400 Bad Request",
     "404 Not Found", "422 Unprocessable", "500 Internal Server Error",
     "503 Service Unavailable", "299 Odd", "600 Beyond"]
)  # fmt: skip
framing = st.sampled_from(["exact", "short", "long", "garbage status", "no headers", "stall"])


def _raw(status: str, body: bytes, frame: str) -> Reply:
    if frame == "short":
        return Reply(response(status, body, length=len(body) + 50))
    if frame == "long":
        return Reply(response(status, body + b"trailing", length=len(body)))
    if frame == "garbage status":
        return Reply(b"HTTQ/9 abc\r\n\r\n" + body)
    if frame == "no headers":
        return Reply(body)
    if frame == "stall":
        return Reply(response(status, body, length=len(body) + 10), stall=0.4)
    return Reply(response(status, body))


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[MisbehavingServer]:
    server = MisbehavingServer()
    try:
        yield server
    finally:
        server.close()


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(status=statuses, body=bodies, frame=framing)
def test_ngsi_raises_only_its_own_errors_on_broken_http(
    misbehaving: MisbehavingServer, status: str, body: bytes, frame: str
) -> None:
    misbehaving.reply = _raw(status, body, frame)
    with httpx.Client(base_url=misbehaving.url, timeout=0.2) as http:
        ql = QuantumLeapClient(http, max_attempts=1)
        orion = OrionClient(http, max_attempts=1)
        calls = [
            lambda: ql.list_entities(CTX, type="RoughnessEstimate"),
            lambda: ql.entity_series(CTX, "urn:x:1", type="RoughnessEstimate", last_n=5),
            lambda: ql.type_series(CTX, "RoughnessEstimate", last_n=5),
            lambda: orion.list_entities(CTX, type="Insights"),
            lambda: orion.get_entity(CTX, "urn:x:1"),
        ]
        for call in calls:
            with contextlib.suppress(NgsiError):
                call()


def test_ngsi_bad_answers_recorded(recorder) -> None:
    """The row for the property test above (hypothesis runs it many times)."""
    outcome = recorder.start(
        "bad-input",
        "broken QL/Orion answers at the HTTP level",
        "80 generated answers x 5 calls: lying Content-Length, garbage status lines, "
        "no headers, stalls, odd statuses, random JSON and bytes",
        "ngsi raises only NgsiError subclasses",
    )
    outcome.held = True


MALFORMED: list[tuple[str, bytes]] = [
    ("not JSON", b"{nope"),
    ("empty body", b""),
    ("JSON null", b"null"),
    ("a list", b"[]"),
    ("empty object", b"{}"),
    ("unknown output", json.dumps({"output": "x.y", "outputs": [], "inputs": []}).encode()),
]


def _broken_callbacks(output: str) -> list[tuple[str, bytes]]:
    good = dash_calls.refresh_body(output, BOARD, list(ACME.entity_ids), tick=None, cursor=None)
    cases = list(MALFORMED)

    def variant(name: str, change: dict[str, object]) -> None:
        cases.append((name, json.dumps({**good, **change}).encode()))

    variant("no inputs", {"inputs": None})
    variant("inputs as a string", {"inputs": "x"})
    variant("missing state", {"state": []})
    variant("outputs for another board", {"outputs": [{"id": {"type": "bk-graph"}}]})
    inputs = good["inputs"]
    for index, value in [
        (0, 5), (0, {"a": 1}), (0, ["x"] * 5000), (1, "decade"), (1, 7),
        (2, "many"), (2, -1), (2, 10**12), (3, "not a date"), (4, "2026-13-45T99:99"),
        (5, "tick"),
    ]:  # fmt: skip
        changed = [dict(item) for item in inputs]
        changed[index]["value"] = value
        variant(f"input {index} = {str(value)[:20]}", {"inputs": changed})
    variant("cursor of another shape", {"state": [{"id": {}, "property": "data", "value": 3}]})
    deep: object = 1
    for _ in range(5000):
        deep = [deep]
    cases.append(("nested 5000 deep", ('{"output": ' + "[" * 5000 + "]" * 5000 + "}").encode()))
    return cases


@pytest.fixture(scope="module")
def callback_answers(tenant_stack) -> list[tuple[str, httpx.Response]]:
    """Every malformed callback body, posted once to the roughnator through the gateway."""
    board = ACME.board_url(tenant_stack.gateway)
    with httpx.Client(timeout=20) as client:
        dependencies = client.get(board + "_dash-dependencies").json()
        output = next(d["output"] for d in dependencies if "bk-graph" in d["output"])
        return [
            (name, client.post(board + "_dash-update-component", content=body,
                               headers={"Content-Type": "application/json"}))
            for name, body in _broken_callbacks(output)
        ]  # fmt: skip


def test_malformed_callback_bodies_show_no_trace_or_data(callback_answers, recorder) -> None:
    outcome = recorder.start(
        "bad-input",
        "malformed Dash callback bodies: no trace, no data",
        f"{len(callback_answers)} broken bodies (JSON, shapes, input types, huge, deep) "
        "via the gateway",
        "no stack trace and no tenant data in any answer",
    )
    wrong = [
        f"{name}: {answer.status_code} {answer.text[:200]}"
        for name, answer in callback_answers
        if shows_trace(answer.content) or leaked(answer.content, other(ACME))
    ]
    outcome.numbers = {"bodies": len(callback_answers), "wrong": len(wrong)}
    assert not wrong, "\n".join(wrong)
    outcome.held = True


def test_malformed_callback_bodies_get_4xx(callback_answers, recorder) -> None:
    outcome = recorder.start(
        "bad-input",
        "malformed Dash callback bodies: 4xx",
        f"{len(callback_answers)} broken bodies via the gateway",
        "a 4xx (or a handled 200/204) for each, never 5xx",
    )
    wrong = [name for name, answer in callback_answers if answer.status_code >= 500]
    outcome.numbers = {"bodies": len(callback_answers), "5xx": len(wrong)}
    outcome.note = f"5xx for: {', '.join(wrong)}" if wrong else ""
    assert not wrong
    outcome.held = True


BIG = b"{" + b" " * (11 * 1024 * 1024) + b"}"


async def test_oversized_body_with_length_is_refused_with_413(tenant_stack, recorder) -> None:
    outcome = recorder.start(
        "bad-input",
        "oversized request body with Content-Length",
        "11 MiB POST (limit 10 MiB) to a board through the gateway",
        "413 without a trace; the gateway keeps serving",
    )
    url = ACME.board_url(tenant_stack.gateway)
    async with httpx.AsyncClient(timeout=30) as client:
        sized = await client.post(url + "_dash-update-component", content=BIG)
        after = await client.get(url)
    outcome.numbers = {"status": sized.status_code}
    assert sized.status_code == 413
    assert not shows_trace(sized.content)
    assert after.status_code == 200
    outcome.held = True


async def test_oversized_chunked_body_is_refused_with_413(tenant_stack, recorder) -> None:
    outcome = recorder.start(
        "bad-input",
        "oversized chunked request body",
        "11 MiB chunked POST without Content-Length through the gateway",
        "413 without a trace; the gateway keeps serving",
    )

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(BIG), 1024 * 1024):
            yield BIG[start : start + 1024 * 1024]

    url = ACME.board_url(tenant_stack.gateway)
    async with httpx.AsyncClient(timeout=30) as client:
        chunked = await client.post(url + "_dash-update-component", content=chunks())
        after = await client.get(url)
    outcome.numbers = {"status": chunked.status_code}
    outcome.note = f"answer: {chunked.text[:120]}" if chunked.status_code != 413 else ""
    assert after.status_code == 200
    assert not shows_trace(chunked.content)
    assert chunked.status_code == 413
    outcome.held = True


async def test_slow_clients_do_not_starve_others(tenant_stack, recorder) -> None:
    outcome = recorder.start(
        "bad-input",
        "slow clients at the gateway",
        "40 connections sending headers a byte at a time, 10 stalling mid-body; gateway "
        f"header timeout {GATEWAY_HEADER_TIMEOUT:.0f} s",
        "everyone else is served meanwhile; no 5xx; the gateway closes every slow-header "
        "connection itself",
    )
    parts = urlsplit(tenant_stack.gateway)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = f"/dazzler/{ACME.slug}/-/{BOARD}/_dash-update-component"
    stop = asyncio.Event()
    closed_by_server = 0

    async def slow_headers() -> None:
        nonlocal closed_by_server
        reader, writer = await asyncio.open_connection(host, port)
        # Any answer or EOF means the gateway gave up on this head.
        closed = asyncio.ensure_future(reader.read(100))
        deadline = time.monotonic() + 4 * GATEWAY_HEADER_TIMEOUT
        try:
            head = f"GET {path} HTTP/1.1\r\nHost: x\r\nX-Slow: ".encode()
            for byte in itertools.chain(head, itertools.cycle(b"x")):
                if closed.done() or time.monotonic() > deadline:
                    break
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.2)
        except OSError:
            pass
        finally:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(closed), 1)
            if closed.done() and not closed.cancelled():
                closed_by_server += 1
            closed.cancel()
            writer.close()

    async def stalled_body() -> None:
        nonlocal closed_by_server
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(
                f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                'Content-Length: 1000\r\n\r\n{"output"'.encode()
            )
            await writer.drain()
            data = await asyncio.wait_for(reader.read(100), 15)
            if data.startswith(b"HTTP/1.1 5") and b" 504 " not in data[:13]:
                raise AssertionError(f"slow body got {data[:40]!r}")
            closed_by_server += 1
        except TimeoutError:
            pass
        finally:
            writer.close()

    slow = [asyncio.create_task(slow_headers()) for _ in range(40)]
    stalled = [asyncio.create_task(stalled_body()) for _ in range(10)]
    await asyncio.sleep(1)
    served = []
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(20):
            served.append((await client.get(ACME.board_url(tenant_stack.gateway))).status_code)
    took = time.monotonic() - started
    stop.set()
    await asyncio.gather(*slow, *stalled, return_exceptions=True)
    outcome.numbers = {
        "others served": served.count(200),
        "others s": round(took, 2),
        "slow connections closed by server": closed_by_server,
    }
    assert served == [200] * 20
    assert closed_by_server >= len(slow), "slow-header connections left open"
    for task in stalled:
        assert task.exception() is None, task.exception()
    outcome.held = True
