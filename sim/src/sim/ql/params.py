"""Query parameters, validated the way QL's connexion layer and handlers do it."""

from __future__ import annotations

import pprint
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import status

from sim.ql.errors import Problem, bad_parameters, invalid_date, not_implemented_option
from sim.ql.timeformat import InvalidDate, parse_iso

# QL caps every row count at its DEFAULT_LIMIT (10 000), silently.
MAX_LIMIT = 10_000

# Parameter definitions as QL's swagger spec declares them: connexion prints them in
# its validation errors, so they must read exactly like the spec.
_SPEC: dict[str, dict[str, Any]] = {
    "aggrMethod": {
        "in": "query",
        "name": "aggrMethod",
        "type": "string",
        "enum": ["count", "sum", "avg", "min", "max"],
        "description": "Optional. The function to apply to the raw data filtered by the query "
        "parameters. If not given, the returned data are the same raw inserted data.",
    },
    "aggrPeriod": {
        "in": "query",
        "name": "aggrPeriod",
        "type": "string",
        "enum": ["year", "month", "day", "hour", "minute", "second"],
        "description": "Optional. If not defined, the aggregation will apply to all the values "
        "contained in the search result. If defined, the aggregation function will instead be "
        "applied N times, once for each period, and all those results will be considered for "
        "the response. For example, a query asking for the average temperature of an attribute "
        "will typically return 1 value. However, with an aggregationPeriod of day, you get the "
        "daily average of the temperature instead (more than one value assuming you had "
        "measurements across many days within the scope of your search result). aggrPeriod "
        "must be accompanied by an aggrMethod, and the aggrMethod will be applied to all the "
        "numeric attributes specified in attrs; the rest of the non-numerical attrs will be "
        "ignored. By default, the response is grouped by entity_id. See aggrScope to create "
        "aggregation across entities.",
    },
    "aggrScope": {
        "in": "query",
        "name": "aggrScope",
        "type": "string",
        "enum": ["global", "entity"],
        "default": "entity",
        "description": "Optional. (This parameter is not yet supported). When the query results "
        "cover historical data for multiple entities instances, you can define the aggregation "
        "method to be applied for each entity instance [entity] or across them [global].",
    },
    "options": {
        "in": "query",
        "name": "options",
        "type": "string",
        "enum": ["keyValues", "values"],
        "description": "Optional. (This parameter is not yet supported). Options dictionary to "
        "format output. See definition in NGSIv2 for example here: "
        "https://orioncontextbroker.docs.apiary.io/#reference/entities/list-entities/"
        "list-entities",
    },
    "lastN": {
        "in": "query",
        "name": "lastN",
        "type": "integer",
        "minimum": 1,
        "description": "Optional. Used to request only the last N values that satisfy the "
        "request conditions.",
    },
    "limit": {
        "in": "query",
        "name": "limit",
        "type": "integer",
        "minimum": 1,
        "default": 10000,
        "description": "Optional. Maximum number of results to retrieve in a single response.",
    },
    "offset": {
        "in": "query",
        "name": "offset",
        "type": "integer",
        "minimum": 0,
        "description": "Optional. Offset to apply to the response results. For example, if the "
        "query was to return 10 results and you use an offset of 1, the response will return "
        "the last 9 values. Make sure you don't give more offset than the number of results.",
    },
}


def _failure(validator: str, message: str, schema: dict[str, Any], instance: Any) -> Problem:
    # jsonschema's ValidationError text, as connexion puts it in `detail`.
    detail = (
        f"{message}\n\nFailed validating {validator!r} in schema:\n"
        f"{textwrap.indent(pprint.pformat(schema, width=72), '    ')}\n\n"
        f"On instance:\n{textwrap.indent(pprint.pformat(instance, width=72), '    ')}"
    )
    return Problem(status.HTTP_400_BAD_REQUEST, "Bad Request", detail)


def _integer(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise Problem(
            status.HTTP_400_BAD_REQUEST,
            "Bad Request",
            f"Wrong type, expected 'integer' for query parameter '{name}'",
        ) from None
    schema = _SPEC[name]
    if value < schema["minimum"]:
        raise _failure(
            "minimum", f"{value} is less than the minimum of {schema['minimum']}", schema, value
        )
    return value


def _choice(query: Mapping[str, str], name: str) -> str | None:
    raw = query.get(name)
    if raw is None:
        return None
    schema = _SPEC[name]
    if raw not in schema["enum"]:
        raise _failure("enum", f"{raw!r} is not one of {schema['enum']!r}", schema, raw)
    return raw


def _csv(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    items = [item.strip() for item in raw.split(",") if item.strip()]
    return items or None


def _date(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except InvalidDate:
        raise invalid_date(raw) from None


@dataclass(frozen=True, slots=True)
class QueryParams:
    """One QL query's parameters, after QL's own checks."""

    entity_type: str | None = None
    ids: list[str] | None = None
    id_pattern: str | None = None
    attrs: list[str] | None = None
    aggr_method: str | None = None
    aggr_period: str | None = None
    from_raw: str | None = None
    to_raw: str | None = None
    from_date: datetime | None = None
    to_date: datetime | None = None
    last_n: int | None = None
    limit: int = MAX_LIMIT
    offset: int = 0


def parse_query(query: Mapping[str, str]) -> QueryParams:
    """Validate like connexion (problem+json 400), then like QL's handlers (501, 400, 422)."""
    aggr_method = _choice(query, "aggrMethod")
    aggr_period = _choice(query, "aggrPeriod")
    aggr_scope = _choice(query, "aggrScope")
    options = _choice(query, "options")
    last_n = _integer(query, "lastN")
    limit = _integer(query, "limit")
    offset = _integer(query, "offset")
    if options is not None or aggr_scope not in (None, "entity"):
        raise not_implemented_option()
    if aggr_period and not aggr_method:
        raise bad_parameters("aggrMethod is compulsory when using aggrPeriod.")
    return QueryParams(
        entity_type=query.get("type") or None,
        ids=_csv(query.get("id")),
        id_pattern=query.get("idPattern") or None,
        attrs=_csv(query.get("attrs")),
        aggr_method=aggr_method,
        aggr_period=aggr_period,
        from_raw=query.get("fromDate"),
        to_raw=query.get("toDate"),
        from_date=_date(query.get("fromDate")),
        to_date=_date(query.get("toDate")),
        last_n=last_n,
        limit=min(limit or MAX_LIMIT, MAX_LIMIT),
        offset=offset or 0,
    )


def require_attrs_for_aggregation(params: QueryParams) -> None:
    """QL refuses to aggregate whole entities: it needs named attributes."""
    if params.aggr_method and not params.attrs:
        raise bad_parameters(
            f"Specified aggrMethod = {params.aggr_method} but missing attrs parameter."
        )
