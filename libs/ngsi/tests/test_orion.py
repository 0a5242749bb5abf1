"""Orion specifics: single entities, batch updates and subscriptions."""

from __future__ import annotations

import json

import httpx
import pytest
from ngsi import ApiError, FiwareContext, ResponseFormatError

CTX = FiwareContext(service="acme", service_path="/plant1/#")
NOT_FOUND = {
    "error": "NotFound",
    "description": "The requested entity has not been found. Check type and id",
}


def test_get_entity_returns_the_entity(make_orion, recorder) -> None:
    entity = {"id": "Room1", "type": "Room", "temperature": 21.5}
    backend = recorder(lambda request: httpx.Response(200, json=entity))
    got = make_orion(backend)(
        "get_entity", CTX, "Room1", type="Room", attrs=["temperature"], key_values=True
    )
    assert got == entity
    assert dict(backend.requests[0].url.params) == {
        "type": "Room",
        "attrs": "temperature",
        "options": "keyValues",
    }
    assert backend.requests[0].headers["Fiware-ServicePath"] == "/plant1/#"


def test_missing_entity_is_none(make_orion) -> None:
    invoke = make_orion(lambda request: httpx.Response(404, json=NOT_FOUND))
    assert invoke("get_entity", CTX, "Nope") is None


def test_list_entities_filters(make_orion, recorder) -> None:
    backend = recorder(
        lambda request: httpx.Response(200, json=[], headers={"Fiware-Total-Count": "0"})
    )
    make_orion(backend)(
        "list_entities",
        CTX,
        type=["Room", "Hall"],
        id_pattern="^R",
        q="temperature>20",
        attrs=["temperature", "dateModified"],
        order_by="dateCreated",
    )
    assert dict(backend.requests[0].url.params) == {
        "type": "Room,Hall",
        "attrs": "temperature,dateModified",
        "idPattern": "^R",
        "q": "temperature>20",
        "orderBy": "dateCreated",
        "options": "count",
        "limit": "1000",
        "offset": "0",
    }


def test_list_entities_rejects_non_list(make_orion) -> None:
    with pytest.raises(ResponseFormatError):
        make_orion(lambda request: httpx.Response(200, json={"id": "x"}))("list_entities", CTX)


def test_bad_total_count_header(make_orion) -> None:
    answer = httpx.Response(
        200, json=[{"id": "R", "type": "T"}], headers={"Fiware-Total-Count": "many"}
    )
    with pytest.raises(ResponseFormatError, match="Fiware-Total-Count"):
        make_orion(lambda request: answer)("list_entities", CTX)


def test_update_sends_batch(make_orion, recorder) -> None:
    backend = recorder(lambda request: httpx.Response(204))
    entities = [{"id": "Room1", "type": "Room", "temperature": {"type": "Number", "value": 3}}]
    assert make_orion(backend)("update", CTX, entities, action_type="update") is None
    request = backend.requests[0]
    assert (request.method, request.url.path) == ("POST", "/v2/op/update")
    assert json.loads(request.content) == {"actionType": "update", "entities": entities}


def test_update_of_missing_entities_is_api_error(make_orion) -> None:
    body = {"error": "NotFound", "description": "do not exist: Room9 - [entity itself]"}
    with pytest.raises(ApiError) as caught:
        make_orion(lambda request: httpx.Response(404, json=body))(
            "update", CTX, [{"id": "Room9", "type": "Room"}], action_type="update"
        )
    assert (caught.value.status, caught.value.code) == (404, "NotFound")


def test_update_rejects_unknown_action(make_orion, recorder) -> None:
    backend = recorder(lambda request: httpx.Response(204))
    with pytest.raises(ValueError, match="action_type"):
        make_orion(backend)("update", CTX, [{"id": "R", "type": "T"}], action_type="upsert")
    assert backend.requests == []


def test_subscription_lifecycle(make_orion, recorder) -> None:
    sub_id = "5f7a0c6e8d1b2a3c4d5e6f70"
    stored = {"id": sub_id, "status": "active"}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, headers={"Location": f"/v2/subscriptions/{sub_id}"})
        if request.method == "GET" and request.url.path.endswith(sub_id):
            return httpx.Response(200, json=stored)
        if request.method == "GET":
            return httpx.Response(404, json={"error": "NotFound", "description": "not found"})
        return httpx.Response(204)

    backend = recorder(handler)
    invoke = make_orion(backend)
    subscription = {"subject": {"entities": [{"idPattern": ".*", "type": "Room"}]}}
    assert invoke("create_subscription", CTX, subscription) == sub_id
    assert invoke("get_subscription", CTX, sub_id) == stored
    assert invoke("get_subscription", CTX, "000000000000000000000000") is None
    invoke("update_subscription", CTX, sub_id, {"status": "inactive"})
    invoke("delete_subscription", CTX, sub_id)
    methods = [(r.method, r.url.path) for r in backend.requests]
    assert methods == [
        ("POST", "/v2/subscriptions"),
        ("GET", f"/v2/subscriptions/{sub_id}"),
        ("GET", "/v2/subscriptions/000000000000000000000000"),
        ("PATCH", f"/v2/subscriptions/{sub_id}"),
        ("DELETE", f"/v2/subscriptions/{sub_id}"),
    ]
    assert json.loads(backend.requests[0].content) == subscription
    assert json.loads(backend.requests[3].content) == {"status": "inactive"}


def test_subscription_without_location_is_format_error(make_orion) -> None:
    with pytest.raises(ResponseFormatError, match="Location"):
        make_orion(lambda request: httpx.Response(201))("create_subscription", CTX, {})


def test_deleting_missing_subscription_is_api_error(make_orion) -> None:
    body = {"error": "NotFound", "description": "The requested subscription has not been found."}
    with pytest.raises(ApiError) as caught:
        make_orion(lambda request: httpx.Response(404, json=body))("delete_subscription", CTX, "x")
    assert caught.value.status == 404


def test_version(make_orion) -> None:
    body = {"orion": {"version": "4.7.0", "uptime": "0 d, 0 h, 2 m, 30 s"}}
    assert make_orion(lambda request: httpx.Response(200, json=body))("version") == body
