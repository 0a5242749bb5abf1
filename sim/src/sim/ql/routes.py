"""QL's HTTP surface: thin handlers over `Views` and the write operations."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from sim.ql.errors import Problem, no_records_response
from sim.ql.params import parse_query, require_attrs_for_aggregation
from sim.ql.selection import Scope
from sim.ql.views import Views
from sim.ql.writes import delete_entity, delete_type, notify, query_last_values
from sim.stats import RequestStats

router = APIRouter()


def _views(request: Request) -> Views:
    views: Views = request.app.state.views
    return views


def _scope(request: Request, *, ld_tenant: bool = False) -> Scope:
    headers = request.headers
    tenant = headers.get("fiware-service", "")
    if ld_tenant and headers.get("ngsild-tenant"):
        tenant = headers["ngsild-tenant"]
    return Scope(tenant=tenant.lower(), service_path=headers.get("fiware-servicepath") or "/")


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except ValueError:
        raise Problem(
            status.HTTP_400_BAD_REQUEST, "Bad Request", "Request body is not valid JSON"
        ) from None


# -- meta ----------------------------------------------------------------------------


@router.get("/version")
async def version(request: Request) -> dict[str, str]:
    return {"version": _views(request).dialect.version}


@router.get("/health")
async def health() -> JSONResponse:
    return JSONResponse({"status": "pass"}, headers={"Cache-Control": "max-age=180"})


@router.get("/v2/")
async def api_index() -> dict[str, str]:
    return {
        "notify_url": "/v2/notify",
        "subscriptions_url": "/v2/subscriptions",
        "entities_url": "/v2/entities",
        "types_url": "/v2/types",
        "attributes_url": "/v2/attrs",
    }


@router.get("/__sim/stats")
async def stats(request: Request) -> dict[str, Any]:
    counters: RequestStats = request.app.state.stats
    return counters.snapshot()


@router.post("/__sim/stats/reset", status_code=status.HTTP_204_NO_CONTENT)
async def reset_stats(request: Request) -> None:
    counters: RequestStats = request.app.state.stats
    counters.reset()


# -- entities ------------------------------------------------------------------------


@router.get("/v2/entities")
async def list_entities(request: Request) -> Any:
    return _views(request).list_entities(_scope(request), parse_query(request.query_params))


@router.get("/v2/entities/{entity_id}")
async def entity(request: Request, entity_id: str) -> Any:
    params = parse_query(request.query_params)
    require_attrs_for_aggregation(params)
    return _views(request).entity(_scope(request), entity_id, params, value=False)


@router.get("/v2/entities/{entity_id}/value")
async def entity_value(request: Request, entity_id: str) -> Any:
    params = parse_query(request.query_params)
    require_attrs_for_aggregation(params)
    return _views(request).entity(_scope(request), entity_id, params, value=True)


@router.get("/v2/entities/{entity_id}/attrs/{attr_name}")
async def entity_attr(request: Request, entity_id: str, attr_name: str) -> Any:
    params = parse_query(request.query_params)
    return _views(request).entity_attr(_scope(request), entity_id, attr_name, params, value=False)


@router.get("/v2/entities/{entity_id}/attrs/{attr_name}/value")
async def entity_attr_value(request: Request, entity_id: str, attr_name: str) -> Any:
    params = parse_query(request.query_params)
    return _views(request).entity_attr(_scope(request), entity_id, attr_name, params, value=True)


# -- types ---------------------------------------------------------------------------


@router.get("/v2/types/{entity_type}")
async def entity_type(request: Request, entity_type: str) -> Any:
    params = parse_query(request.query_params)
    require_attrs_for_aggregation(params)
    return _views(request).entity_type(_scope(request), entity_type, params, value=False)


@router.get("/v2/types/{entity_type}/value")
async def entity_type_value(request: Request, entity_type: str) -> Any:
    params = parse_query(request.query_params)
    require_attrs_for_aggregation(params)
    return _views(request).entity_type(_scope(request), entity_type, params, value=True)


@router.get("/v2/types/{entity_type}/attrs/{attr_name}")
async def type_attr(request: Request, entity_type: str, attr_name: str) -> Any:
    params = parse_query(request.query_params)
    return _views(request).type_attr(_scope(request), entity_type, attr_name, params, value=False)


@router.get("/v2/types/{entity_type}/attrs/{attr_name}/value")
async def type_attr_value(request: Request, entity_type: str, attr_name: str) -> Any:
    params = parse_query(request.query_params)
    return _views(request).type_attr(_scope(request), entity_type, attr_name, params, value=True)


# -- attributes ----------------------------------------------------------------------


@router.get("/v2/attrs")
async def attrs(request: Request) -> Any:
    return _views(request).attrs(_scope(request), parse_query(request.query_params), value=False)


@router.get("/v2/attrs/value")
async def attrs_value(request: Request) -> Any:
    return _views(request).attrs(_scope(request), parse_query(request.query_params), value=True)


@router.get("/v2/attrs/{attr_name}")
async def attr(request: Request, attr_name: str) -> Any:
    params = parse_query(request.query_params)
    return _views(request).attr(_scope(request), attr_name, params, value=False)


@router.get("/v2/attrs/{attr_name}/value")
async def attr_value(request: Request, attr_name: str) -> Any:
    params = parse_query(request.query_params)
    return _views(request).attr(_scope(request), attr_name, params, value=True)


# -- writes --------------------------------------------------------------------------


@router.post("/v2/notify")
async def post_notify(request: Request) -> JSONResponse:
    body = await _json_body(request)
    notify(
        _views(request).store,
        _scope(request, ld_tenant=True),
        body,
        request.headers.get("fiware-timeindex-attribute"),
    )
    return JSONResponse("Notification successfully processed")


@router.post("/v2/op/query")
async def op_query(request: Request) -> Any:
    body = await _json_body(request)
    return query_last_values(_views(request).store, _scope(request, ld_tenant=True), body)


@router.delete("/v2/entities/{entity_id}")
async def remove_entity(request: Request, entity_id: str) -> Response:
    params = parse_query(request.query_params)
    views = _views(request)
    count = delete_entity(
        views.store,
        _scope(request, ld_tenant=True),
        entity_id,
        request.query_params,
        params.from_date,
        params.to_date,
    )
    if count == 0:
        return no_records_response(views.dialect.name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/v2/types/{entity_type}")
async def remove_type(request: Request, entity_type: str) -> Response:
    params = parse_query(request.query_params)
    views = _views(request)
    drop = request.query_params.get("dropTable", "").lower() == "true"
    count = delete_type(
        views.store,
        _scope(request, ld_tenant=True),
        entity_type,
        drop,
        params.from_date,
        params.to_date,
    )
    if count == 0:
        return no_records_response(views.dialect.name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
