"""Broken answers and broken networks give the documented exceptions, nothing else."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ngsi import (
    ApiError,
    AsyncQuantumLeapClient,
    FiwareContext,
    NgsiConnectError,
    NgsiTimeout,
    QuantumLeapClient,
    ResponseFormatError,
)

CTX = FiwareContext(service="acme", service_path="/plant1")
INDEX = ["2026-11-01T10:00:00.000+00:00", "2026-11-01T11:00:00.000+00:00"]
SERIES_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("entity_series", (CTX, "Room1"), {"type": "Room"}),
    ("attr_series", (CTX, "Room1", "temperature"), {"type": "Room"}),
    ("type_series", (CTX, "Room"), {}),
    ("type_attr_series", (CTX, "Room", "temperature"), {}),
]
ALL_READS = [
    *SERIES_CALLS,
    ("list_entities", (CTX,), {}),
    ("last_values", (CTX, [("Room1", "Room")]), {}),
    ("version", (), {}),
    ("health", (), {}),
]


def _raw(content: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": "application/json"}, content=content)


@pytest.mark.parametrize(("method", "args", "kwargs"), ALL_READS)
def test_malformed_json_is_response_format_error(make_ql, method, args, kwargs) -> None:
    with pytest.raises(ResponseFormatError):
        make_ql(lambda request: _raw(b'{"index": [1, 2'))(method, *args, **kwargs)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"entities": []}, id="dict-where-list-expected"),
        pytest.param("a string", id="string"),
        pytest.param([{"id": 5, "type": "Room"}], id="id-not-a-string"),
        pytest.param([{"type": "Room"}], id="missing-id"),
        pytest.param([{"id": "R", "type": "Room", "index": "yesterday"}], id="bad-time"),
    ],
)
def test_wrong_entity_list_shapes(make_ql, body) -> None:
    with pytest.raises(ResponseFormatError):
        make_ql(lambda request: httpx.Response(200, json=body))("list_entities", CTX)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([{"id": "Room1"}], id="list-where-object-expected"),
        pytest.param({"id": "Room1", "type": "Room", "attributes": []}, id="missing-index"),
        pytest.param(
            {"id": "Room1", "type": "Room", "index": "x", "attributes": []}, id="index-not-list"
        ),
        pytest.param(
            {
                "id": "Room1",
                "type": "Room",
                "index": INDEX,
                "attributes": [{"attrName": "t", "values": [1.0]}],
            },
            id="values-length-mismatch",
        ),
        pytest.param(
            {"id": "Room1", "type": "Room", "index": INDEX, "attributes": {"t": [1, 2]}},
            id="attributes-not-list",
        ),
        pytest.param(
            {"id": "Room1", "type": "Room", "index": [1, 2], "attributes": []},
            id="index-not-strings",
        ),
        pytest.param(
            {"id": "Room1", "type": "Room", "index": INDEX, "attributes": [{"values": [1, 2]}]},
            id="attribute-without-name",
        ),
    ],
)
def test_wrong_entity_series_shapes(make_ql, body) -> None:
    with pytest.raises(ResponseFormatError):
        make_ql(lambda request: httpx.Response(200, json=body))(
            "entity_series", CTX, "Room1", type="Room"
        )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"type": "Room"}, id="no-entities"),
        pytest.param({"type": "Room", "entities": {"id": "Room1"}}, id="entities-not-list"),
        pytest.param({"type": "Room", "entities": [["Room1"]]}, id="entity-not-object"),
    ],
)
def test_wrong_type_series_shapes(make_ql, body) -> None:
    with pytest.raises(ResponseFormatError):
        make_ql(lambda request: httpx.Response(200, json=body))("type_series", CTX, "Room")


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_api_errors(make_ql, status) -> None:
    answer = httpx.Response(status, json="Something went wrong with QL. Error: boom")
    with pytest.raises(ApiError) as caught:
        make_ql(lambda request: answer)("entity_series", CTX, "Room1", type="Room")
    assert caught.value.status == status
    assert caught.value.description == "Something went wrong with QL. Error: boom"


def test_non_json_error_page_keeps_its_text(make_ql) -> None:
    page = httpx.Response(
        502, headers={"content-type": "text/html"}, content=b"<h1>Bad gateway</h1>"
    )
    with pytest.raises(ApiError) as caught:
        make_ql(lambda request: page)("list_entities", CTX)
    assert (caught.value.status, caught.value.code) == (502, "Bad Gateway")
    assert "Bad gateway" in caught.value.description


def test_orion_error_body_is_normalised(make_orion) -> None:
    body = {"error": "TooManyResults", "description": "More than one matching entity."}
    with pytest.raises(ApiError) as caught:
        make_orion(lambda request: httpx.Response(409, json=body))("get_entity", CTX, "Room1")
    assert (caught.value.status, caught.value.code) == (409, "TooManyResults")
    assert caught.value.description == "More than one matching entity."


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (httpx.ConnectError("connection refused"), NgsiConnectError),
        (httpx.ConnectTimeout("connect timed out"), NgsiTimeout),
        (httpx.ReadTimeout("read timed out"), NgsiTimeout),
        (httpx.PoolTimeout("no connection free"), NgsiTimeout),
    ],
)
def test_network_failures_after_retries(make_ql, recorder, failure, expected) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    backend = recorder(fail)
    with pytest.raises(expected):
        make_ql(backend, max_attempts=2)("entity_series", CTX, "Room1", type="Room")
    assert len(backend.requests) == 2


def _closed_port() -> int:
    # A port the OS just handed out and that nobody listens on any more.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_connection_refused_by_a_real_socket(kind) -> None:
    base_url = f"http://127.0.0.1:{_closed_port()}"

    def run_sync() -> None:
        with httpx.Client(base_url=base_url) as http:
            QuantumLeapClient(http, max_attempts=1).version()

    async def run_async() -> None:
        async with httpx.AsyncClient(base_url=base_url) as http:
            await AsyncQuantumLeapClient(http, max_attempts=1).version()

    with pytest.raises(NgsiConnectError):
        run_sync() if kind == "sync" else asyncio.run(run_async())


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "entityId",
                    "type",
                    "entityType",
                    "index",
                    "attributes",
                    "attrName",
                    "values",
                    "entities",
                    "error",
                    "description",
                    "status",
                    "version",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(
    max_examples=100,
    deadline=None,
    # make_ql is a stateless factory: sharing it between examples is safe.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    body=JSON,
    status=st.sampled_from([200, 200, 200, 400, 404, 500, 503]),
    call=st.sampled_from(ALL_READS),
)
def test_random_json_only_gives_documented_errors(make_ql, body, status, call) -> None:
    method, args, kwargs = call
    content = json.dumps(body).encode()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"content-type": "application/json"}, content=content)

    # Any other exception escaping fails the test.
    with contextlib.suppress(ResponseFormatError, ApiError):
        make_ql(answer, max_attempts=1)(method, *args, **kwargs)
