"""The Orion stand-in, over HTTP, as a client sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration


def _headers(tenant: str, path: str | None = "/") -> dict[str, str]:
    headers = {"Fiware-Service": tenant}
    if path is not None:
        headers["Fiware-ServicePath"] = path
    return headers


def _room(number: int, temperature: float, status: str = "on") -> dict[str, Any]:
    return {
        "id": f"Room{number}",
        "type": "Room",
        "temperature": {"type": "Number", "value": temperature},
        "status": {"type": "Text", "value": status},
    }


def _load(orion: str, tenant: str, entities: list[dict[str, Any]], path: str = "/") -> None:
    response = httpx.post(
        f"{orion}/v2/op/update",
        json={"actionType": "append", "entities": entities},
        headers=_headers(tenant, path),
    )
    assert response.status_code == 204, response.text


def test_paging_reports_the_total_count(sim_server: Any, tenant: str) -> None:
    _load(sim_server.orion_url, tenant, [_room(n, 20.0 + n) for n in range(25)])
    url = f"{sim_server.orion_url}/v2/entities"

    first = httpx.get(url, params={"type": "Room", "options": "count"}, headers=_headers(tenant))
    last = httpx.get(
        url,
        params={"type": "Room", "options": "count,keyValues", "limit": 10, "offset": 20},
        headers=_headers(tenant),
    )

    assert first.headers["Fiware-Total-Count"] == "25"
    assert len(first.json()) == 20  # Orion's default page
    assert last.headers["Fiware-Total-Count"] == "25"
    assert [e["id"] for e in last.json()] == [f"Room{n}" for n in range(20, 25)]
    assert last.json()[0] == {"id": "Room20", "type": "Room", "temperature": 40.0, "status": "on"}


def test_limit_over_1000_is_refused(sim_server: Any, tenant: str) -> None:
    response = httpx.get(
        f"{sim_server.orion_url}/v2/entities", params={"limit": 1001}, headers=_headers(tenant)
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "BadRequest",
        "description": "Bad pagination limit: /1001/ [max: 1000]",
    }


def test_unknown_entity_is_404_not_found(sim_server: Any, tenant: str) -> None:
    response = httpx.get(f"{sim_server.orion_url}/v2/entities/Nope", headers=_headers(tenant))

    assert response.status_code == 404
    assert response.json() == {
        "error": "NotFound",
        "description": "The requested entity has not been found. Check type and id",
    }
    assert response.headers["Fiware-Correlator"]


def test_creating_twice_is_422_already_exists(sim_server: Any, tenant: str) -> None:
    url = f"{sim_server.orion_url}/v2/entities"
    created = httpx.post(url, json=_room(1, 21.0), headers=_headers(tenant))
    again = httpx.post(url, json=_room(1, 22.0), headers=_headers(tenant))
    stored = httpx.get(f"{url}/Room1", params={"options": "keyValues"}, headers=_headers(tenant))

    assert created.status_code == 201
    assert created.headers["Location"] == "/v2/entities/Room1?type=Room"
    assert again.status_code == 422
    assert again.json() == {"error": "Unprocessable", "description": "Already Exists"}
    assert stored.json()["temperature"] == 21.0


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("temperature>22", ["Room3", "Room4"]),
        ("temperature<=21", ["Room0", "Room1"]),
        ("temperature>=22;status==off", ["Room3"]),
        ("status!=on", ["Room1", "Room3"]),
        ("temperature==20,24", ["Room0", "Room4"]),
        ("temperature==21..23", ["Room1", "Room2", "Room3"]),
        ("humidity", []),
    ],
)
def test_q_filters(sim_server: Any, tenant: str, q: str, expected: list[str]) -> None:
    rooms = [_room(n, 20.0 + n, "off" if n % 2 else "on") for n in range(5)]
    _load(sim_server.orion_url, tenant, rooms)

    response = httpx.get(
        f"{sim_server.orion_url}/v2/entities", params={"q": q}, headers=_headers(tenant)
    )

    assert response.status_code == 200
    assert [e["id"] for e in response.json()] == expected


def test_service_paths_match_exactly_unless_subtree(sim_server: Any, tenant: str) -> None:
    _load(sim_server.orion_url, tenant, [_room(1, 20.0)], path="/plant1")
    _load(sim_server.orion_url, tenant, [_room(2, 20.0)], path="/plant1/hall")
    url = f"{sim_server.orion_url}/v2/entities"

    def ids(path: str | None) -> list[str]:
        return [e["id"] for e in httpx.get(url, headers=_headers(tenant, path)).json()]

    assert ids("/plant1") == ["Room1"]
    assert ids("/plant1/#") == ["Room1", "Room2"]
    assert ids(None) == ["Room1", "Room2"]
    assert ids("/") == []


@pytest.mark.parametrize(
    ("headers", "description"),
    [
        ({"Fiware-Service": "bad-name"}, "bad character in tenant name"),
        ({"Fiware-Service": "x" * 51}, "bad length - a tenant name can be max 50"),
        ({"Fiware-ServicePath": "plant1"}, "Only /absolute/ Service Paths allowed"),
    ],
)
def test_bad_tenant_or_service_path_is_400(
    sim_server: Any, headers: dict[str, str], description: str
) -> None:
    response = httpx.get(f"{sim_server.orion_url}/v2/entities", headers=headers)

    assert response.status_code == 400
    assert response.json()["error"] == "BadRequest"
    assert response.json()["description"].startswith(description)


def test_forbidden_characters_in_ids_are_refused(sim_server: Any, tenant: str) -> None:
    response = httpx.post(
        f"{sim_server.orion_url}/v2/entities",
        json={"id": "Room<1>", "type": "Room"},
        headers=_headers(tenant),
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "BadRequest",
        "description": "Invalid characters in entity id",
    }


def test_batch_update_of_missing_entities_is_404(sim_server: Any, tenant: str) -> None:
    response = httpx.post(
        f"{sim_server.orion_url}/v2/op/update",
        json={"actionType": "update", "entities": [_room(7, 1.0)]},
        headers=_headers(tenant),
    )

    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


def test_batch_delete_and_replace(sim_server: Any, tenant: str) -> None:
    orion = sim_server.orion_url
    _load(orion, tenant, [_room(1, 20.0), _room(2, 20.0)])

    def batch(action: str, entities: list[dict[str, Any]]) -> int:
        return httpx.post(
            f"{orion}/v2/op/update",
            json={"actionType": action, "entities": entities},
            headers=_headers(tenant),
        ).status_code

    assert batch("delete", [{"id": "Room1", "type": "Room"}]) == 204
    assert batch("replace", [{"id": "Room2", "type": "Room", "co2": {"value": 400}}]) == 204
    remaining = httpx.get(
        f"{orion}/v2/entities", params={"options": "keyValues"}, headers=_headers(tenant)
    ).json()

    assert remaining == [{"id": "Room2", "type": "Room", "co2": 400}]


def test_subscription_crud(sim_server: Any, tenant: str) -> None:
    url = f"{sim_server.orion_url}/v2/subscriptions"
    document = {
        "description": "rooms",
        "subject": {"entities": [{"idPattern": ".*", "type": "Room"}]},
        "notification": {"http": {"url": "http://127.0.0.1:9/none"}},
    }
    created = httpx.post(url, json=document, headers=_headers(tenant))
    location = created.headers["Location"]
    sub_id = location.rsplit("/", 1)[-1]
    patched = httpx.patch(
        f"{sim_server.orion_url}{location}", json={"status": "inactive"}, headers=_headers(tenant)
    )
    listed = httpx.get(url, headers=_headers(tenant)).json()
    deleted = httpx.delete(f"{sim_server.orion_url}{location}", headers=_headers(tenant))
    gone = httpx.get(f"{sim_server.orion_url}{location}", headers=_headers(tenant))

    assert created.status_code == 201
    assert len(sub_id) == 24
    assert int(sub_id, 16) >= 0
    assert patched.status_code == 204
    assert [(s["id"], s["status"], s["description"]) for s in listed] == [
        (sub_id, "inactive", "rooms")
    ]
    assert deleted.status_code == 204
    assert gone.status_code == 404


def test_update_in_orion_arrives_in_quantumleap(
    sim_server: Any, tenant: str, wait_until: Callable[..., Any]
) -> None:
    subscription = {
        "subject": {"entities": [{"idPattern": ".*", "type": "Room"}]},
        "notification": {
            "http": {"url": f"{sim_server.ql_url}/v2/notify"},
            "metadata": ["dateCreated", "dateModified"],
        },
    }
    # No service path header: the subscription covers the tenant's whole tree.
    created = httpx.post(
        f"{sim_server.orion_url}/v2/subscriptions",
        json=subscription,
        headers={"Fiware-Service": tenant.upper()},
    )
    assert created.status_code == 201
    _load(sim_server.orion_url, tenant, [_room(1, 20.5)], path="/plant1")
    _load(sim_server.orion_url, tenant, [_room(1, 21.5)], path="/plant1")

    def history() -> Any:
        response = httpx.get(
            f"{sim_server.ql_url}/v2/entities/Room1/attrs/temperature",
            params={"type": "Room"},
            headers=_headers(tenant, "/plant1"),
        )
        return response.status_code == 200 and len(response.json()["values"]) == 2 and response

    series = wait_until(history).json()
    subscriptions = httpx.get(
        f"{sim_server.orion_url}/v2/subscriptions", headers={"Fiware-Service": tenant}
    ).json()

    assert series["values"] == [20.5, 21.5]
    assert subscriptions[0]["notification"]["timesSent"] == 2
    assert subscriptions[0]["notification"]["lastSuccessCode"] == 200


def test_failed_notifications_are_counted(
    sim_server: Any, tenant: str, wait_until: Callable[..., Any]
) -> None:
    unreachable = "http://127.0.0.1:9/v2/notify"
    httpx.post(
        f"{sim_server.orion_url}/v2/subscriptions",
        json={
            "subject": {"entities": [{"idPattern": ".*"}]},
            "notification": {"http": {"url": unreachable}},
        },
        headers={"Fiware-Service": tenant},
    )
    _load(sim_server.orion_url, tenant, [_room(1, 20.0)])

    def failed() -> Any:
        subs = httpx.get(
            f"{sim_server.orion_url}/v2/subscriptions", headers={"Fiware-Service": tenant}
        ).json()
        return subs[0]["notification"].get("failsCounter") and subs[0]["notification"]

    notification = wait_until(failed)

    assert notification["failsCounter"] == 1
    assert "lastFailure" in notification
    assert "lastSuccess" not in notification
