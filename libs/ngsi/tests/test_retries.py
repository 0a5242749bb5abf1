"""Reads survive brief network failures; writes are sent exactly once."""

from __future__ import annotations

import httpx
import pytest
from ngsi import FiwareContext, NgsiConnectError, NgsiTimeout

CTX = FiwareContext(service="acme")
SERIES = {
    "id": "Room1",
    "type": "Room",
    "index": ["2026-11-01T10:00:00.000+00:00"],
    "attributes": [{"attrName": "temperature", "values": [20.5]}],
}


def _flaky(failures: int, answer: httpx.Response, error: Exception | None = None):
    state = {"left": failures}

    def handler(request: httpx.Request) -> httpx.Response:
        if state["left"] > 0:
            state["left"] -= 1
            raise error or httpx.ConnectError("connection refused")
        return answer

    return handler


def test_get_failing_twice_then_succeeding_returns_data(make_ql, recorder) -> None:
    backend = recorder(_flaky(2, httpx.Response(200, json=SERIES)))

    series = make_ql(backend)("entity_series", CTX, "Room1", type="Room")

    assert series.attributes == {"temperature": [20.5]}
    assert len(backend.requests) == 3


def test_read_timeouts_are_retried_too(make_ql, recorder) -> None:
    backend = recorder(_flaky(1, httpx.Response(200, json=[]), httpx.ReadTimeout("slow")))
    assert make_ql(backend)("list_entities", CTX) == []
    assert len(backend.requests) == 2


def test_op_query_is_a_read_and_is_retried(make_ql, recorder) -> None:
    answer = httpx.Response(200, json=[{"id": "Room1", "type": "Room"}])
    backend = recorder(_flaky(2, answer))
    assert make_ql(backend)("last_values", CTX, [("Room1", "Room")], ["temperature"]) == [
        {"id": "Room1", "type": "Room"}
    ]
    assert len(backend.requests) == 3


def test_gives_up_after_max_attempts(make_ql, recorder) -> None:
    backend = recorder(_flaky(10, httpx.Response(200, json=SERIES)))
    with pytest.raises(NgsiConnectError):
        make_ql(backend, max_attempts=3)("entity_series", CTX, "Room1", type="Room")
    assert len(backend.requests) == 3


@pytest.mark.parametrize("error", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
def test_notify_is_attempted_exactly_once(make_ql, recorder, error) -> None:
    backend = recorder(_flaky(1, httpx.Response(200, json="ok"), error))
    entity = {"id": "Room1", "type": "Room", "temperature": {"type": "Number", "value": 1}}
    with pytest.raises((NgsiConnectError, NgsiTimeout)):
        make_ql(backend, max_attempts=5)("notify", CTX, [entity])
    assert len(backend.requests) == 1


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("update", ([{"id": "Room1", "type": "Room"}],)),
        ("create_subscription", ({"subject": {}},)),
        ("update_subscription", ("abc", {"throttling": 5})),
        ("delete_subscription", ("abc",)),
    ],
)
def test_orion_writes_are_attempted_exactly_once(make_orion, recorder, method, args) -> None:
    backend = recorder(_flaky(1, httpx.Response(204)))
    with pytest.raises(NgsiConnectError):
        make_orion(backend, max_attempts=5)(method, CTX, *args)
    assert len(backend.requests) == 1


def test_orion_reads_are_retried(make_orion, recorder) -> None:
    backend = recorder(_flaky(2, httpx.Response(200, json={"id": "Room1", "type": "Room"})))
    assert make_orion(backend)("get_entity", CTX, "Room1") == {"id": "Room1", "type": "Room"}
    assert len(backend.requests) == 3
