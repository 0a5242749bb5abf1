"""Paging: QL by rows (offset += rows while a page is full), Orion by Fiware-Total-Count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from ngsi import FiwareContext

CTX = FiwareContext(service="acme", service_path="/plant1")
START = datetime(2026, 11, 1, tzinfo=UTC)


def _stamp(row: int) -> str:
    return (START + timedelta(minutes=row)).isoformat(timespec="milliseconds")


def _rows(request: httpx.Request, total: int) -> list[int]:
    """Row numbers QL would return: ascending, or newest first then reversed with lastN."""
    params = request.url.params
    limit = int(params.get("limit", 10_000))
    offset = int(params.get("offset", 0))
    if "lastN" in params:
        newest_first = list(range(total - 1, -1, -1))
        picked = newest_first[offset : offset + min(int(params["lastN"]), limit)]
        return sorted(picked)
    return list(range(total))[offset : offset + limit]


def _entity_answer(total: int):
    def handler(request: httpx.Request) -> httpx.Response:
        rows = _rows(request, total)
        if not rows:
            return httpx.Response(200, json=[])
        return httpx.Response(
            200,
            json={
                "id": "Room1",
                "type": "Room",
                "index": [_stamp(r) for r in rows],
                "attributes": [{"attrName": "n", "values": rows}],
            },
        )

    return handler


@pytest.mark.parametrize("total", [0, 4, 5, 6, 12])
def test_entity_series_pages_until_a_short_page(make_ql, recorder, total) -> None:
    backend = recorder(_entity_answer(total))

    series = make_ql(backend, page_size=4)("entity_series", CTX, "Room1", type="Room")

    assert series.attributes.get("n", []) == list(range(total))
    assert series.index == [START + timedelta(minutes=r) for r in range(total)]
    offsets = [int(r.url.params.get("offset", 0)) for r in backend.requests]
    assert offsets == list(range(0, total + 1, 4))
    assert all(r.url.params["limit"] == "4" for r in backend.requests)


def test_explicit_limit_is_one_request(make_ql, recorder) -> None:
    backend = recorder(_entity_answer(12))
    series = make_ql(backend, page_size=4)(
        "entity_series", CTX, "Room1", type="Room", limit=4, offset=2
    )
    assert series.attributes["n"] == [2, 3, 4, 5]
    assert len(backend.requests) == 1


@pytest.mark.parametrize(("last_n", "total"), [(3, 12), (9, 12), (8, 12), (10, 6)])
def test_last_n_beyond_a_page_collects_the_newest_rows(make_ql, recorder, last_n, total) -> None:
    backend = recorder(_entity_answer(total))

    series = make_ql(backend, page_size=4)(
        "entity_series", CTX, "Room1", type="Room", last_n=last_n
    )

    newest = list(range(max(total - last_n, 0), total))
    assert series.attributes["n"] == newest
    assert series.index == sorted(series.index)


def test_type_series_pages_merge_entities(make_ql, recorder) -> None:
    # Rows of the Room table in time order: Room1 and Room2 interleaved, 7 rows in all.
    table = [("Room1" if r % 2 == 0 else "Room2", r) for r in range(7)]

    def handler(request: httpx.Request) -> httpx.Response:
        rows = _rows(request, len(table))
        entities = []
        for entity_id in ("Room1", "Room2"):
            mine = [r for r in rows if table[r][0] == entity_id]
            if mine:
                entities.append(
                    {
                        "id": entity_id,
                        "index": [_stamp(r) for r in mine],
                        "attributes": [{"attrName": "n", "values": mine}],
                    }
                )
        return httpx.Response(200, json={"type": "Room", "entities": entities})

    backend = recorder(handler)
    result = make_ql(backend, page_size=3)("type_series", CTX, "Room")

    assert [(s.id, s.attributes["n"]) for s in result] == [
        ("Room1", [0, 2, 4, 6]),
        ("Room2", [1, 3, 5]),
    ]
    assert len(backend.requests) == 3


def test_list_entities_pages(make_ql, recorder) -> None:
    entities = [{"id": f"Room{n}", "type": "Room", "index": _stamp(n)} for n in range(5)]

    def handler(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        offset = int(request.url.params.get("offset", 0))
        return httpx.Response(200, json=entities[offset : offset + limit])

    backend = recorder(handler)
    result = make_ql(backend, page_size=2)("list_entities", CTX, type="Room")
    assert [e.id for e in result] == [f"Room{n}" for n in range(5)]
    assert [r.url.params["type"] for r in backend.requests] == ["Room"] * 3


def _orion_entities(total: int, *, count_header: bool):
    entities = [{"id": f"Room{n}", "type": "Room"} for n in range(total)]

    def handler(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        headers = {"Fiware-Total-Count": str(total)} if count_header else {}
        return httpx.Response(200, json=entities[offset : offset + limit], headers=headers)

    return handler


@pytest.mark.parametrize("total", [0, 3, 5, 7])
@pytest.mark.parametrize("count_header", [True, False])
def test_orion_pages_with_total_count(make_orion, recorder, total, count_header) -> None:
    backend = recorder(_orion_entities(total, count_header=count_header))

    result = make_orion(backend, page_size=3)("list_entities", CTX, type="Room", key_values=True)

    assert [e["id"] for e in result] == [f"Room{n}" for n in range(total)]
    assert all(r.url.params["options"] == "keyValues,count" for r in backend.requests)
    offsets = [int(r.url.params["offset"]) for r in backend.requests]
    if count_header:
        # The count says when to stop: no request for an empty page past the end.
        assert offsets == list(range(0, max(total, 1), 3))
    else:
        assert offsets == list(range(0, total + 1, 3))


def test_orion_default_page_is_1000(make_orion, recorder) -> None:
    backend = recorder(_orion_entities(2, count_header=True))
    make_orion(backend)("list_entities", CTX)
    assert backend.requests[0].url.params["limit"] == "1000"


def test_orion_subscriptions_page(make_orion, recorder) -> None:
    subscriptions = [{"id": f"{n:024x}", "status": "active"} for n in range(4)]

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = int(request.url.params["limit"])
        return httpx.Response(
            200, json=subscriptions[offset : offset + limit], headers={"Fiware-Total-Count": "4"}
        )

    backend = recorder(handler)
    assert make_orion(backend, page_size=3)("list_subscriptions", CTX) == subscriptions
    assert len(backend.requests) == 2
