"""What the clients send: QL's parameter rules, tenant headers and local refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from ngsi import FiwareContext

CTX = FiwareContext(service="acme", service_path="/plant1", headers={"X-Auth-Token": "t0k"})
EMPTY = {"type": "Room", "entities": []}


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=[])


def test_entity_series_always_sends_type_and_never_options(make_ql, recorder) -> None:
    backend = recorder(_ok)
    make_ql(backend)(
        "entity_series",
        CTX,
        "urn:ngsi-ld:RoughnessEstimate:1",
        type="RoughnessEstimate",
        attrs=["ra", "rz"],
        aggr_method="avg",
        aggr_period="hour",
        last_n=10,
    )
    request = backend.requests[0]
    assert request.url.path == "/v2/entities/urn:ngsi-ld:RoughnessEstimate:1"
    assert dict(request.url.params) == {
        "type": "RoughnessEstimate",
        "attrs": "ra,rz",
        "lastN": "10",
        "aggrMethod": "avg",
        "aggrPeriod": "hour",
    }
    assert request.headers["Fiware-Service"] == "acme"
    assert request.headers["Fiware-ServicePath"] == "/plant1"
    assert request.headers["X-Auth-Token"] == "t0k"


def test_dates_are_sent_as_utc_with_offset(make_ql, recorder) -> None:
    backend = recorder(_ok)
    rome = timezone(timedelta(hours=1))
    make_ql(backend)(
        "type_series",
        CTX,
        "Room",
        from_date=datetime(2026, 11, 1, 12, 0, tzinfo=rome),
        to_date=datetime(2026, 11, 2, tzinfo=UTC),
        ids=["Room2", "Room1"],
    )
    params = backend.requests[0].url.params
    assert params["fromDate"] == "2026-11-01T11:00:00+00:00"
    assert params["toDate"] == "2026-11-02T00:00:00+00:00"
    assert params["id"] == "Room2,Room1"


def test_default_tenant_sends_no_service_header(make_ql, recorder) -> None:
    backend = recorder(_ok)
    make_ql(backend)("list_entities", FiwareContext())
    assert "Fiware-Service" not in backend.requests[0].headers
    assert backend.requests[0].headers["Fiware-ServicePath"] == "/"


def test_ids_with_reserved_characters_stay_one_segment(make_ql, recorder) -> None:
    backend = recorder(_ok)
    make_ql(backend)("attr_series", CTX, "Room 1/a", "temp?", type="Room")
    assert backend.requests[0].url.raw_path.startswith(b"/v2/entities/Room%201%2Fa/attrs/temp%3F")


def test_per_call_timeout_reaches_the_request(make_ql, recorder) -> None:
    backend = recorder(_ok)
    make_ql(backend)("list_entities", FiwareContext(timeout=1.5))
    assert backend.requests[0].extensions["timeout"]["read"] == 1.5


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "message"),
    [
        ("entity_series", ("Room1",), {"type": "Room", "aggr_method": "avg"}, "needs attrs"),
        ("type_series", ("Room",), {"aggr_period": "hour"}, "needs aggr_method"),
        (
            "entity_series",
            ("Room1",),
            {"type": "Room", "attrs": ["t"], "aggr_method": "median"},
            "aggr_method must be",
        ),
        (
            "attr_series",
            ("Room1", "t"),
            {"type": "Room", "aggr_method": "max", "aggr_period": "week"},
            "aggr_period must be",
        ),
        (
            "entity_series",
            ("Room1",),
            {"type": "Room", "from_date": datetime(2026, 11, 1)},
            "timezone-aware",
        ),
        ("list_entities", (), {"to_date": datetime(2026, 11, 1)}, "timezone-aware"),
        ("entity_series", ("Room1",), {"type": "Room", "last_n": 0}, "positive"),
        ("entity_series", ("Room1",), {"type": "Room", "limit": 10_001}, "at most 10000"),
        ("type_series", ("Room",), {"offset": -1}, "non-negative"),
        ("type_series", ("Room",), {"ids": "Room1"}, "not a string"),
        ("entity_series", ("Room1",), {"type": "Room", "attrs": "temperature"}, "not a string"),
        ("entity_series", ("Room1",), {"type": ""}, "non-empty"),
        ("last_values", ([],), {}, "at least one"),
        ("notify", ([{"id": "R", "type": "Room", "t": 21.5}],), {}, "normalized"),
        ("notify", ([{"id": "R"}],), {}, "'type'"),
    ],
)
def test_bad_arguments_raise_value_error_before_sending(
    make_ql, recorder, method, args, kwargs, message
) -> None:
    backend = recorder(_ok)
    with pytest.raises(ValueError, match=message):
        make_ql(backend)(method, CTX, *args, **kwargs)
    assert backend.requests == []


def test_aggregating_one_attribute_needs_no_attrs(make_ql, recorder) -> None:
    backend = recorder(
        lambda request: httpx.Response(
            200,
            json={
                "attrName": "temperature",
                "entities": [{"id": "Room1", "index": [], "values": [24.0]}],
                "type": "Room",
            },
        )
    )
    result = make_ql(backend)("type_attr_series", CTX, "Room", "temperature", aggr_method="max")
    assert "attrs" not in backend.requests[0].url.params
    assert result[0].attributes == {"temperature": [24.0]}
    assert result[0].index == []


def test_notify_sends_orion_notification(make_ql, recorder) -> None:
    backend = recorder(
        lambda request: httpx.Response(200, json="Notification successfully processed")
    )
    entity = {"id": "Room1", "type": "Room", "temperature": {"type": "Number", "value": 21.5}}
    make_ql(backend)(
        "notify", CTX, [entity], subscription_id="5f0c", time_index_attribute="observedAt"
    )
    request = backend.requests[0]
    assert (request.method, request.url.path) == ("POST", "/v2/notify")
    assert request.headers["Fiware-TimeIndex-Attribute"] == "observedAt"
    assert json.loads(request.content) == {"data": [entity], "subscriptionId": "5f0c"}


def test_last_values_body(make_ql, recorder) -> None:
    backend = recorder(_ok)
    make_ql(backend)("last_values", CTX, [("Room1", "Room"), ("Dev", "Device")], ["temperature"])
    assert json.loads(backend.requests[0].content) == {
        "entities": [{"id": "Room1", "type": "Room"}, {"id": "Dev", "type": "Device"}],
        "attrs": ["temperature"],
    }


def test_last_values_without_attrs_names_every_attribute_of_the_types(make_ql, recorder) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/types/Room":
            entity = {"id": "Room1", "index": ["2026-01-01T00:00:00Z"],
                      "attributes": [{"attrName": "pressure", "values": [1]},
                                     {"attrName": "temperature", "values": [2]}]}  # fmt: skip
            return httpx.Response(200, json={"type": "Room", "entities": [entity]})
        if request.url.path == "/v2/types/Device":
            return httpx.Response(404, json={"error": "Not Found", "description": "No records"})
        return httpx.Response(200, json=[])

    backend = recorder(answer)
    make_ql(backend)("last_values", CTX, [("Room1", "Room"), ("Dev", "Device"), ("R2", "Room")])

    paths = [(r.method, r.url.path, r.url.params.get("lastN")) for r in backend.requests]
    assert paths == [
        ("GET", "/v2/types/Room", "1"),
        ("GET", "/v2/types/Device", "1"),
        ("POST", "/v2/op/query", None),
    ]
    assert json.loads(backend.requests[-1].content)["attrs"] == ["pressure", "temperature"]


def test_last_values_without_attrs_or_data_asks_nothing_more(make_ql, recorder) -> None:
    backend = recorder(lambda request: httpx.Response(200, json=[]))

    assert make_ql(backend)("last_values", CTX, [("Room1", "Room")]) == []
    assert [r.url.path for r in backend.requests] == ["/v2/types/Room"]


def test_health_fail_is_a_result(make_ql) -> None:
    body = {"status": "fail", "details": {"timescale": {"status": "fail", "output": "down"}}}
    health = make_ql(lambda request: httpx.Response(503, json=body))("health")
    assert (health.status, health.ok) == ("fail", False)
    assert health.details["timescale"]["output"] == "down"
