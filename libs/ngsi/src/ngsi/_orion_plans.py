"""Orion (NGSI-v2) requests as plans: query building, count-header paging, parsing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ngsi._context import FiwareContext
from ngsi._errors import api_error
from ngsi._exceptions import ResponseFormatError
from ngsi._shapes import as_dict, as_list
from ngsi._transport import Call, Plan, segment

ORION_MAX_LIMIT = 1000
TOTAL_COUNT_HEADER = "Fiware-Total-Count"
ACTION_TYPES = frozenset({"append", "appendStrict", "update", "delete", "replace"})


def version(ctx: FiwareContext) -> Plan[dict[str, Any]]:
    """``GET /version``: ``{"orion": {"version": ..., ...}}``."""
    response = yield Call("GET", "/version", ctx)
    return as_dict(_ok_body(response), "Orion version")


def list_entities(
    ctx: FiwareContext,
    *,
    type: str | Sequence[str] | None,
    id: str | Sequence[str] | None,
    id_pattern: str | None,
    q: str | None,
    attrs: Sequence[str] | None,
    key_values: bool,
    order_by: str | None,
    page_size: int,
) -> Plan[list[dict[str, Any]]]:
    """``GET /v2/entities``, every page (``options=count`` + ``Fiware-Total-Count``)."""
    if id is not None and id_pattern is not None:
        raise ValueError("give id or id_pattern, not both")
    params: dict[str, str] = {}
    for name, value in (("type", type), ("id", id), ("attrs", attrs)):
        if value is not None:
            params[name] = _comma_list(name, value)
    if id_pattern is not None:
        params["idPattern"] = id_pattern
    if q is not None:
        params["q"] = q
    if order_by is not None:
        params["orderBy"] = order_by
    params["options"] = "keyValues,count" if key_values else "count"
    entities = yield from _pages(ctx, "/v2/entities", params, page_size, "entity")
    return entities


def get_entity(
    ctx: FiwareContext,
    entity_id: str,
    *,
    type: str | None,
    attrs: Sequence[str] | None,
    key_values: bool,
) -> Plan[dict[str, Any] | None]:
    """``GET /v2/entities/{id}``; Orion's 404 NotFound is ``None``."""
    params: dict[str, str] = {}
    if type is not None:
        params["type"] = type
    if attrs is not None:
        params["attrs"] = _comma_list("attrs", attrs)
    if key_values:
        params["options"] = "keyValues"
    response = yield Call("GET", f"/v2/entities/{segment(entity_id)}", ctx, params)
    if response.status_code == httpx.codes.NOT_FOUND:
        return None
    return as_dict(_ok_body(response), "Orion entity")


def update(
    ctx: FiwareContext,
    entities: Sequence[Mapping[str, Any]],
    *,
    action_type: str,
    key_values: bool,
) -> Plan[None]:
    """``POST /v2/op/update``: a batch create/update/delete; never retried."""
    if action_type not in ACTION_TYPES:
        raise ValueError(f"action_type must be one of {sorted(ACTION_TYPES)}")
    if isinstance(entities, Mapping) or not entities:
        raise ValueError("entities must be a non-empty sequence of entity objects")
    body = {"actionType": action_type, "entities": [dict(entity) for entity in entities]}
    params = {"options": "keyValues"} if key_values else {}
    response = yield Call("POST", "/v2/op/update", ctx, params, json=body, idempotent=False)
    _ok_empty(response)
    return None


def create_subscription(ctx: FiwareContext, subscription: Mapping[str, Any]) -> Plan[str]:
    """``POST /v2/subscriptions``; the new id is read from the ``Location`` header."""
    response = yield Call(
        "POST", "/v2/subscriptions", ctx, json=dict(subscription), idempotent=False
    )
    _ok_empty(response)
    location: str = response.headers.get("location", "")
    subscription_id = location.rstrip("/").rsplit("/", 1)[-1]
    if not location or not subscription_id:
        raise ResponseFormatError("subscription created but Orion sent no Location header")
    return subscription_id


def list_subscriptions(ctx: FiwareContext, *, page_size: int) -> Plan[list[dict[str, Any]]]:
    """``GET /v2/subscriptions``, every page. Orion filters by the exact service path."""
    params = {"options": "count"}
    subscriptions = yield from _pages(ctx, "/v2/subscriptions", params, page_size, "subscription")
    return subscriptions


def get_subscription(ctx: FiwareContext, subscription_id: str) -> Plan[dict[str, Any] | None]:
    """``GET /v2/subscriptions/{id}``; 404 is ``None``."""
    response = yield Call("GET", f"/v2/subscriptions/{segment(subscription_id)}", ctx)
    if response.status_code == httpx.codes.NOT_FOUND:
        return None
    return as_dict(_ok_body(response), "Orion subscription")


def update_subscription(
    ctx: FiwareContext, subscription_id: str, patch: Mapping[str, Any]
) -> Plan[None]:
    """``PATCH /v2/subscriptions/{id}``; never retried."""
    path = f"/v2/subscriptions/{segment(subscription_id)}"
    response = yield Call("PATCH", path, ctx, json=dict(patch), idempotent=False)
    _ok_empty(response)
    return None


def delete_subscription(ctx: FiwareContext, subscription_id: str) -> Plan[None]:
    """``DELETE /v2/subscriptions/{id}``; never retried."""
    path = f"/v2/subscriptions/{segment(subscription_id)}"
    response = yield Call("DELETE", path, ctx, idempotent=False)
    _ok_empty(response)
    return None


def _pages(
    ctx: FiwareContext, path: str, params: Mapping[str, str], page_size: int, what: str
) -> Plan[list[dict[str, Any]]]:
    """Every item of an Orion list, ``page_size`` at a time until the total is reached.

    Without a count header (a proxy may drop it) a short page ends the listing instead.
    """
    result: list[dict[str, Any]] = []
    while True:
        page_params = {**params, "limit": str(page_size), "offset": str(len(result))}
        response = yield Call("GET", path, ctx, page_params)
        page = as_list(_ok_body(response), f"Orion {what} list")
        result.extend(as_dict(item, f"Orion {what}") for item in page)
        total = _total_count(response)
        if not page or (len(result) >= total if total is not None else len(page) < page_size):
            return result


def _total_count(response: httpx.Response) -> int | None:
    raw = response.headers.get(TOTAL_COUNT_HEADER)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ResponseFormatError(f"{TOTAL_COUNT_HEADER} is not a number: {raw[:40]!r}") from None


def _comma_list(name: str, value: str | Sequence[str]) -> str:
    items = [value] if isinstance(value, str) else list(value)
    if not items or not all(isinstance(item, str) and item for item in items):
        raise ValueError(f"{name} must be a non-empty name or sequence of names")
    return ",".join(items)


def _ok_body(response: httpx.Response) -> Any:
    if not response.is_success:
        raise api_error(response)
    return response.json()


def _ok_empty(response: httpx.Response) -> None:
    if not response.is_success:
        raise api_error(response)
