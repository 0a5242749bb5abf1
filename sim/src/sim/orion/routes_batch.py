"""Orion's ``POST /v2/op/update``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status

from sim.orion.errors import OrionError, bad_request, not_found, unprocessable
from sim.orion.model import Entity, parse_entity_body
from sim.orion.render import KEY_VALUES
from sim.orion.requests import json_body, notifier_of, options_of, store_of
from sim.orion.scope import tenant_of, update_path
from sim.orion.store import Change, OrionStore, now

router = APIRouter()

_ACTIONS = {"append", "appendstrict", "update", "delete", "replace"}


class _EntityFailure(Exception):
    def __init__(self, entity_id: str, detail: str, *, missing: bool) -> None:
        super().__init__(detail)
        self.entity_id = entity_id
        self.detail = detail
        self.missing = missing


def _apply(
    store: OrionStore, tenant: str, path: str, action: str, raw: Any, key_values: bool
) -> Change:
    entity_id, entity_type, attrs = parse_entity_body(raw, key_values=key_values, now=now())
    typed = isinstance(raw, dict) and "type" in raw
    current: Entity | None = store.get(tenant, entity_id, entity_type, path)
    if current is None and not typed:
        # Without a type, Orion looks the id up in any type.
        current = next(
            (e for e in store.entities(tenant) if e.id == entity_id and e.service_path == path),
            None,
        )
    if action in ("append", "appendstrict"):
        if current is None:
            return store.create(tenant, path, entity_id, entity_type, attrs)
        if action == "appendstrict" and set(attrs) & set(current.attrs):
            clash = ", ".join(sorted(set(attrs) & set(current.attrs)))
            raise _EntityFailure(entity_id, f"attributes already exist: [ {clash} ]", missing=False)
        return store.merge(current, attrs)
    if current is None:
        raise _EntityFailure(entity_id, "[entity itself]", missing=True)
    if action == "update":
        unknown = sorted(set(attrs) - set(current.attrs))
        if unknown:
            raise _EntityFailure(entity_id, f"[ {', '.join(unknown)} ]", missing=False)
        return store.merge(current, attrs)
    if action == "replace":
        return store.replace(current, attrs)
    if not attrs:
        return store.delete(tenant, current)
    return store.remove_attrs(current, list(attrs))


@router.post("/v2/op/update", status_code=status.HTTP_204_NO_CONTENT)
async def op_update(request: Request) -> None:
    tenant = tenant_of(request)
    path = update_path(request)
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("entities"), list):
        raise bad_request("Invalid JSON payload: entities must be an array")
    action = str(body.get("actionType", "")).lower()
    if action not in _ACTIONS:
        raise bad_request(f"invalid update action type: /{body.get('actionType')}/")
    key_values = KEY_VALUES in options_of(request)
    store = store_of(request)
    changes: list[Change] = []
    failures: list[_EntityFailure] = []
    for raw in body["entities"]:
        try:
            changes.append(_apply(store, tenant, path, action, raw, key_values))
        except _EntityFailure as failure:
            failures.append(failure)
    notifier_of(request).publish(tenant, changes)
    if not failures:
        return
    detail = ", ".join(f"{f.entity_id} - {f.detail}" for f in failures)
    if changes:
        raise OrionError(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "PartialUpdate", f"do not exist: {detail}"
        )
    if all(f.missing for f in failures):
        raise not_found(f"do not exist: {detail}")
    raise unprocessable(detail)
