"""QL's notify, op/query and delete semantics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import status

from sim.ql.errors import HandlerError, NoRecords, PlainMessage, Problem
from sim.ql.ingest import entity_to_row
from sim.ql.model import Column, Row
from sim.ql.selection import Scope, service_path_matcher
from sim.ql.store import MemoryStore
from sim.ql.timeformat import format_index


def _bad_request(detail: str) -> Problem:
    return Problem(status.HTTP_400_BAD_REQUEST, "Bad Request", detail)


def validate_notification(body: Any) -> list[Mapping[str, Any]]:
    """connexion's schema check of a notification body (``data`` of ``{id, type}`` items)."""
    if not isinstance(body, Mapping):
        raise _bad_request(f"{body!r} is not of type 'object'")
    if "data" not in body:
        raise _bad_request("'data' is a required property")
    data = body["data"]
    if not isinstance(data, list):
        raise _bad_request(f"{data!r} is not of type 'array' - 'data'")
    for position, entity in enumerate(data):
        if not isinstance(entity, Mapping):
            raise _bad_request(f"{entity!r} is not of type 'object' - 'data.{position}'")
        for key in ("id", "type"):
            if key not in entity:
                raise _bad_request(f"'{key}' is a required property - 'data.{position}'")
            if not isinstance(entity[key], str):
                raise _bad_request(
                    f"{entity[key]!r} is not of type 'string' - 'data.{position}.{key}'"
                )
    return list(data)


def notify(
    store: MemoryStore,
    scope: Scope,
    body: Any,
    time_index_attribute: str | None,
) -> int:
    """Store a notification's entities; returns how many rows were written."""
    entities = validate_notification(body)
    rows: list[tuple[Row, dict[str, Column]]] = []
    for entity in entities:
        built = entity_to_row(entity, scope.service_path, time_index_attribute)
        if built is not None:
            rows.append(built)
    store.insert(scope.tenant, rows)
    return len(rows)


def query_last_values(store: MemoryStore, scope: Scope, body: Any) -> list[dict[str, Any]]:
    """``POST /v2/op/query``: each entity's latest row in NGSI-v2 normalized shape."""
    if not isinstance(body, Mapping) or not isinstance(body.get("entities"), list):
        raise _bad_request("'entities' is a required property")
    for unsupported in ("expression", "metadata"):
        if unsupported in body:
            raise PlainMessage(
                status.HTTP_400_BAD_REQUEST, f"Bad Request Error: {unsupported} is not supported"
            )
    wanted = body.get("attrs")
    # connexion validates the body against QL's schema, where attrs is required.
    if wanted is None:
        raise _bad_request("'attrs' is a required property")
    if not isinstance(wanted, list):
        raise _bad_request(f"{wanted!r} is not of type 'array' - 'attrs'")
    wanted_lower = {str(a).lower() for a in wanted}
    path = service_path_matcher(scope.service_path)
    found: list[dict[str, Any]] = []
    for selector in body["entities"]:
        if not isinstance(selector, Mapping) or "idPattern" in selector:
            raise PlainMessage(
                status.HTTP_400_BAD_REQUEST, "Bad Request Error: idPattern is not supported"
            )
        entity_id = selector.get("id")
        tables = store.tables(scope.tenant)
        for table in tables:
            if selector.get("type") not in (None, table.entity_type):
                continue
            rows = [
                r for r in table.rows if r.entity_id == entity_id and path.search(r.service_path)
            ]
            if not rows:
                continue
            last = rows[-1]
            item: dict[str, Any] = {"id": last.entity_id, "type": last.entity_type}
            for key, column in sorted(table.columns.items(), key=lambda kv: kv[1].name):
                if key not in wanted_lower:
                    continue
                item[column.name] = {"type": column.ngsi_type, "value": last.values.get(key)}
            item["dateModified"] = {"type": "DateTime", "value": format_index(last.time_index)}
            found.append(item)
    if not found:
        raise NoRecords
    return found


def delete_entity(
    store: MemoryStore,
    scope: Scope,
    entity_id: str,
    query: Mapping[str, str],
    from_date: Any,
    to_date: Any,
) -> int:
    """Delete an entity's rows (in scope and date range); returns the row count."""
    path = service_path_matcher(scope.service_path)
    entity_type = query.get("type")
    tables = [
        t
        for t in store.tables(scope.tenant)
        if entity_type in (None, t.entity_type) and any(r.entity_id == entity_id for r in t.rows)
    ]
    if entity_type is None and len(tables) > 1:
        raise HandlerError(
            status.HTTP_409_CONFLICT,
            "AmbiguousNGSIIdError",
            f"There are multiple entities with the given entity_id {entity_id}. "
            "Please specify entity_type.",
        )
    deleted = 0
    for table in tables:
        deleted += store.delete(
            scope.tenant,
            table.entity_type,
            lambda r: (
                r.entity_id == entity_id
                and bool(path.search(r.service_path))
                and (from_date is None or r.time_index >= from_date)
                and (to_date is None or r.time_index <= to_date)
            ),
        )
    return deleted


def delete_type(
    store: MemoryStore,
    scope: Scope,
    entity_type: str,
    drop_table: bool,
    from_date: Any,
    to_date: Any,
) -> int:
    """Delete a type's rows, or drop its table (which needs service path ``/``)."""
    table = store.table(scope.tenant, entity_type)
    if table is None:
        return 0
    if drop_table:
        if scope.service_path != "/":
            raise HandlerError(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                "Unprocessable Entity",
                "dropTable requires Fiware-ServicePath: /",
            )
        count = len(table.rows)
        store.drop_table(scope.tenant, entity_type)
        return count
    path = service_path_matcher(scope.service_path)
    return store.delete(
        scope.tenant,
        entity_type,
        lambda r: (
            bool(path.search(r.service_path))
            and (from_date is None or r.time_index >= from_date)
            and (to_date is None or r.time_index <= to_date)
        ),
    )
