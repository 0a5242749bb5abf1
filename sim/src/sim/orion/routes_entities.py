"""Orion's ``/v2/entities`` and ``/v2/types`` endpoints."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse, PlainTextResponse

from sim.orion.errors import bad_request, not_found, too_many_results, unprocessable
from sim.orion.model import Entity, check_identifier, parse_attribute, parse_entity_body
from sim.orion.qfilter import matches_q, parse_q
from sim.orion.render import (
    KEY_VALUES,
    NORMALIZED,
    VALUES,
    render_attribute,
    render_attributes,
    render_entity,
)
from sim.orion.requests import csv_of, json_body, notifier_of, options_of, page_of, store_of
from sim.orion.scope import query_scope, tenant_of, update_path
from sim.orion.store import now

router = APIRouter()


def _format(options: set[str]) -> str:
    if KEY_VALUES in options:
        return KEY_VALUES
    if VALUES in options:
        return VALUES
    return NORMALIZED


def _pattern(raw: str | None, what: str) -> re.Pattern[str] | None:
    if raw is None:
        return None
    try:
        return re.compile(raw)
    except re.error:
        raise bad_request(f"Invalid regex for {what}") from None


@router.get("/v2/entities")
async def list_entities(request: Request) -> JSONResponse:
    scope = query_scope(request)
    page = page_of(request)
    options = options_of(request)
    ids, types = csv_of(request, "id"), csv_of(request, "type")
    id_pattern = _pattern(request.query_params.get("idPattern"), "idPattern")
    type_pattern = _pattern(request.query_params.get("typePattern"), "typePattern")
    q = request.query_params.get("q")
    statements = parse_q(q) if q else []
    matched: list[Entity] = []
    for entity in store_of(request).entities(scope.tenant):
        if not scope.covers(entity.service_path):
            continue
        if ids and entity.id not in ids:
            continue
        if types and entity.type not in types:
            continue
        if id_pattern and not id_pattern.search(entity.id):
            continue
        if type_pattern and not type_pattern.search(entity.type):
            continue
        if statements and not matches_q(entity, statements):
            continue
        matched.append(entity)
    attrs = csv_of(request, "attrs")
    fmt = _format(options)
    body = [
        render_entity(e, attrs=attrs, fmt=fmt)
        for e in matched[page.offset : page.offset + page.limit]
    ]
    headers = {"Fiware-Total-Count": str(len(matched))} if "count" in options else {}
    return JSONResponse(body, headers=headers)


def _one(request: Request, entity_id: str) -> Entity:
    scope = query_scope(request)
    wanted_type = request.query_params.get("type")
    found = [
        e
        for e in store_of(request).entities(scope.tenant)
        if e.id == entity_id
        and scope.covers(e.service_path)
        and (wanted_type is None or e.type == wanted_type)
    ]
    if not found:
        raise not_found()
    if len(found) > 1:
        raise too_many_results()
    return found[0]


@router.get("/v2/entities/{entity_id}")
async def get_entity(request: Request, entity_id: str) -> Any:
    entity = _one(request, entity_id)
    return render_entity(entity, attrs=csv_of(request, "attrs"), fmt=_format(options_of(request)))


@router.get("/v2/entities/{entity_id}/attrs")
async def get_entity_attrs(request: Request, entity_id: str) -> Any:
    entity = _one(request, entity_id)
    return render_attributes(entity, csv_of(request, "attrs"), _format(options_of(request)))


@router.get("/v2/entities/{entity_id}/attrs/{attr_name}")
async def get_attribute(request: Request, entity_id: str, attr_name: str) -> Any:
    entity = _one(request, entity_id)
    if attr_name not in entity.attrs:
        raise not_found("The entity does not have such an attribute")
    return render_attribute(entity.attrs[attr_name])


@router.get("/v2/entities/{entity_id}/attrs/{attr_name}/value")
async def get_attribute_value(request: Request, entity_id: str, attr_name: str) -> Response:
    entity = _one(request, entity_id)
    if attr_name not in entity.attrs:
        raise not_found("The entity does not have such an attribute")
    value = entity.attrs[attr_name].value
    if isinstance(value, dict | list):
        return JSONResponse(value)
    return PlainTextResponse(json.dumps(value))


@router.post("/v2/entities")
async def create_entity(request: Request) -> Response:
    tenant = tenant_of(request)
    path = update_path(request)
    options = options_of(request)
    entity_id, entity_type, attrs = parse_entity_body(
        await json_body(request), key_values=KEY_VALUES in options, now=now()
    )
    store = store_of(request)
    existing = store.get(tenant, entity_id, entity_type, path)
    if existing is not None:
        if "upsert" not in options:
            raise unprocessable("Already Exists")
        change = store.merge(existing, attrs)
        notifier_of(request).publish(tenant, [change])
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    change = store.create(tenant, path, entity_id, entity_type, attrs)
    notifier_of(request).publish(tenant, [change])
    if "upsert" in options:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return Response(
        status_code=status.HTTP_201_CREATED,
        headers={"Location": f"/v2/entities/{entity_id}?type={entity_type}"},
    )


def _writable(request: Request, entity_id: str) -> tuple[str, Entity]:
    tenant = tenant_of(request)
    path = update_path(request)
    wanted_type = request.query_params.get("type")
    found = [
        e
        for e in store_of(request).entities(tenant)
        if e.id == entity_id and e.service_path == path and wanted_type in (None, e.type)
    ]
    if not found:
        raise not_found()
    if len(found) > 1:
        raise too_many_results()
    return tenant, found[0]


async def _attribute_body(request: Request) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("attributes must be a JSON object")
    key_values = KEY_VALUES in options_of(request)
    stamp = now()
    return {
        name: parse_attribute(name, raw, key_values=key_values, now=stamp)
        for name, raw in body.items()
    }


@router.post("/v2/entities/{entity_id}/attrs", status_code=status.HTTP_204_NO_CONTENT)
async def append_attrs(request: Request, entity_id: str) -> None:
    tenant, entity = _writable(request, entity_id)
    attrs = await _attribute_body(request)
    if "append" in options_of(request) and set(attrs) & set(entity.attrs):
        raise unprocessable("Already Exists")
    notifier_of(request).publish(tenant, [store_of(request).merge(entity, attrs)])


@router.patch("/v2/entities/{entity_id}/attrs", status_code=status.HTTP_204_NO_CONTENT)
async def update_attrs(request: Request, entity_id: str) -> None:
    tenant, entity = _writable(request, entity_id)
    attrs = await _attribute_body(request)
    missing = sorted(set(attrs) - set(entity.attrs))
    if missing:
        raise unprocessable(f"do not exist: {entity_id} - [ {', '.join(missing)} ]")
    notifier_of(request).publish(tenant, [store_of(request).merge(entity, attrs)])


@router.put("/v2/entities/{entity_id}/attrs", status_code=status.HTTP_204_NO_CONTENT)
async def replace_attrs(request: Request, entity_id: str) -> None:
    tenant, entity = _writable(request, entity_id)
    attrs = await _attribute_body(request)
    notifier_of(request).publish(tenant, [store_of(request).replace(entity, attrs)])


@router.delete("/v2/entities/{entity_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_entity(request: Request, entity_id: str) -> None:
    tenant, entity = _writable(request, entity_id)
    notifier_of(request).publish(tenant, [store_of(request).delete(tenant, entity)])


@router.delete("/v2/entities/{entity_id}/attrs/{attr_name}", status_code=204)
async def delete_attribute(request: Request, entity_id: str, attr_name: str) -> None:
    check_identifier(attr_name, "attribute name")
    tenant, entity = _writable(request, entity_id)
    if attr_name not in entity.attrs:
        raise not_found("The entity does not have such an attribute")
    notifier_of(request).publish(tenant, [store_of(request).remove_attrs(entity, [attr_name])])


@router.get("/v2/types")
async def list_types(request: Request) -> JSONResponse:
    scope = query_scope(request)
    page = page_of(request)
    options = options_of(request)
    by_type = {
        name: [e for e in entities if scope.covers(e.service_path)]
        for name, entities in store_of(request).types(scope.tenant).items()
    }
    by_type = {name: entities for name, entities in by_type.items() if entities}
    names = list(by_type)[page.offset : page.offset + page.limit]
    body: list[Any]
    if VALUES in options:
        body = names
    else:
        body = []
        for name in names:
            attr_types: dict[str, set[str]] = {}
            for entity in by_type[name]:
                for attr_name, attr in entity.attrs.items():
                    attr_types.setdefault(attr_name, set()).add(attr.type)
            item: dict[str, Any] = {"type": name, "count": len(by_type[name])}
            if "noAttrDetail" not in options:
                item["attrs"] = {a: {"types": sorted(t)} for a, t in sorted(attr_types.items())}
            body.append(item)
    headers = {"Fiware-Total-Count": str(len(by_type))} if "count" in options else {}
    return JSONResponse(body, headers=headers)
