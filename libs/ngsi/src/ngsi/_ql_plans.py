"""QuantumLeap requests as plans: query building, row paging and parsing, with no I/O.

QL's ``limit``/``lastN``/``offset`` count database rows per entity-type table, not
entities, and QL caps a page at 10 000 rows. Without an explicit ``limit`` the plans page
for the caller: ``offset += rows`` while a page comes back full.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from ngsi import _ql_parsing as parsing
from ngsi._context import FiwareContext
from ngsi._errors import api_error, is_ql_no_data
from ngsi._exceptions import ResponseFormatError
from ngsi._models import EntitySeries, EntitySummary, Health
from ngsi._ql_query import SeriesQuery, check_limit, check_name, check_offset, iso_utc
from ngsi._transport import Call, Plan, segment


def version(ctx: FiwareContext) -> Plan[str]:
    """``GET /version``."""
    response = yield Call("GET", "/version", ctx)
    return parsing.parse_version(_ok_body(response))


def health(ctx: FiwareContext) -> Plan[Health]:
    """``GET /health``; a 503 with a health body is a "fail" Health, not an error."""
    response = yield Call("GET", "/health", ctx)
    if response.status_code == httpx.codes.SERVICE_UNAVAILABLE:
        try:
            return parsing.parse_health(response.json())
        except (ValueError, ResponseFormatError):
            raise api_error(response) from None
    return parsing.parse_health(_ok_body(response))


def list_entities(
    ctx: FiwareContext,
    *,
    type: str | None,
    id_pattern: str | None,
    from_date: datetime | None,
    to_date: datetime | None,
    limit: int | None,
    offset: int | None,
    page_size: int,
) -> Plan[list[EntitySummary]]:
    """``GET /v2/entities``, paged by entity rows when ``limit`` is not given."""
    check_limit(limit)
    check_offset(offset)
    params: dict[str, str] = {}
    if type is not None:
        params["type"] = type
    if id_pattern is not None:
        params["idPattern"] = id_pattern
    if from_date is not None:
        params["fromDate"] = iso_utc(from_date)
    if to_date is not None:
        params["toDate"] = iso_utc(to_date)
    if limit is not None:
        response = yield Call("GET", "/v2/entities", ctx, _with_page(params, limit, offset))
        return parsing.parse_entity_summaries(_body_or_empty(response))
    result: list[EntitySummary] = []
    start = offset or 0
    while True:
        page_params = _with_page(params, page_size, start + len(result))
        response = yield Call("GET", "/v2/entities", ctx, page_params)
        page = parsing.parse_entity_summaries(_body_or_empty(response))
        result.extend(page)
        if len(page) < page_size:
            return result


def series_pages(
    make_call: Callable[[dict[str, str]], Call],
    parse: Callable[[Any], list[EntitySeries]],
    query: SeriesQuery,
    page_size: int,
) -> Plan[list[EntitySeries]]:
    """Fetch a series query, paging by rows unless the caller set ``limit``.

    With ``lastN`` QL ranks rows newest first before applying ``offset`` and ``limit``,
    so later pages hold older rows and go in front; the page limit shrinks to what is
    still missing so that QL's ``LIMIT min(lastN, limit)`` never overshoots.
    """
    base = query.params()
    if query.limit is not None or query.whole_range:
        params = _with_page(base, query.limit, query.offset)
        response = yield make_call(params)
        return parse(_body_or_empty(response))
    last_n = query.last_n
    if last_n is not None and last_n <= page_size:
        response = yield make_call(_with_page(base, None, query.offset))
        return parse(_body_or_empty(response))
    pages: list[list[EntitySeries]] = []
    fetched = 0
    while True:
        size = page_size if last_n is None else min(page_size, last_n - fetched)
        params = _with_page(base, size, (query.offset or 0) + fetched)
        response = yield make_call(params)
        page = parse(_body_or_empty(response))
        rows = sum(len(series.index) for series in page)
        pages.append(page)
        fetched += rows
        if rows < size or (last_n is not None and fetched >= last_n):
            break
    if last_n is not None:
        pages.reverse()
    return merge_pages(pages)


def entity_series(
    ctx: FiwareContext, entity_id: str, *, type: str, query: SeriesQuery, page_size: int
) -> Plan[EntitySeries]:
    """``GET /v2/entities/{id}``; always sends ``type`` (faster, and no ambiguity 400)."""
    path = f"/v2/entities/{segment(entity_id)}"
    check_name("type", type)

    def parse(body: Any) -> list[EntitySeries]:
        return [
            parsing.parse_entity_series(
                body, entity_id=entity_id, entity_type=type, whole_range=query.whole_range
            )
        ]

    pages = yield from series_pages(
        lambda params: Call("GET", path, ctx, {"type": type, **params}), parse, query, page_size
    )
    return pages[0] if pages else EntitySeries(id=entity_id, type=type)


def attr_series(
    ctx: FiwareContext,
    entity_id: str,
    attr: str,
    *,
    type: str,
    query: SeriesQuery,
    page_size: int,
) -> Plan[EntitySeries]:
    """``GET /v2/entities/{id}/attrs/{attr}``."""
    path = f"/v2/entities/{segment(entity_id)}/attrs/{segment(attr)}"
    check_name("type", type)

    def parse(body: Any) -> list[EntitySeries]:
        return [
            parsing.parse_attr_series(
                body,
                entity_id=entity_id,
                entity_type=type,
                attr=attr,
                whole_range=query.whole_range,
            )
        ]

    pages = yield from series_pages(
        lambda params: Call("GET", path, ctx, {"type": type, **params}), parse, query, page_size
    )
    return pages[0] if pages else EntitySeries(id=entity_id, type=type)


def type_series(
    ctx: FiwareContext,
    entity_type: str,
    attr: str | None,
    *,
    ids: Sequence[str] | None,
    id_pattern: str | None,
    query: SeriesQuery,
    page_size: int,
) -> Plan[list[EntitySeries]]:
    """``GET /v2/types/{type}``, or ``/v2/types/{type}/attrs/{attr}`` when ``attr`` is set.

    ``lastN``/``limit`` count rows over all the type's entities together, not per entity.
    """
    path = f"/v2/types/{segment(entity_type)}"
    if attr is not None:
        path += f"/attrs/{segment(attr)}"
    filters: dict[str, str] = {}
    if ids is not None:
        if isinstance(ids, str) or not ids:
            raise ValueError("ids must be a non-empty sequence of entity ids (not a string)")
        filters["id"] = ",".join(ids)
    if id_pattern is not None:
        filters["idPattern"] = id_pattern

    def parse(body: Any) -> list[EntitySeries]:
        if attr is None:
            return parsing.parse_type_series(
                body, entity_type=entity_type, whole_range=query.whole_range
            )
        return parsing.parse_type_attr_series(
            body, entity_type=entity_type, attr=attr, whole_range=query.whole_range
        )

    return (
        yield from series_pages(
            lambda params: Call("GET", path, ctx, {**filters, **params}), parse, query, page_size
        )
    )


def merge_pages(pages: Sequence[Sequence[EntitySeries]]) -> list[EntitySeries]:
    """Join pages in time order into one series per entity, keeping first-seen order."""
    merged: dict[tuple[str, str], EntitySeries] = {}
    for page in pages:
        for series in page:
            key = (series.id, series.type)
            earlier = merged.get(key)
            merged[key] = series if earlier is None else earlier.merged(series)
    return list(merged.values())


def last_values(
    ctx: FiwareContext, entities: Sequence[tuple[str, str]], attrs: Sequence[str] | None
) -> Plan[list[dict[str, Any]]]:
    """``POST /v2/op/query``: the newest value of each entity (a read, so retried).

    QuantumLeap answers 400 "'attrs' is a required property" to a query without
    ``attrs``, so ``attrs=None`` first learns the attribute names of each entity type
    (``GET /v2/types/{type}?lastN=1``: one row carries every column of the type's table).
    """
    if not entities:
        raise ValueError("entities must name at least one (id, type) pair")
    if attrs is None:
        names: dict[str, None] = {}
        for entity_type in dict.fromkeys(t for _, t in entities):
            path = f"/v2/types/{segment(entity_type)}"
            found = yield Call("GET", path, ctx, {"lastN": "1"})
            rows = parsing.parse_type_series(
                _body_or_empty(found), entity_type=entity_type, whole_range=False
            )
            for row in rows:
                names.update(dict.fromkeys(row.attributes))
        if not names:
            return []  # none of the types has data, so no entity has a last value
        attrs = list(names)
    elif isinstance(attrs, str) or not attrs:
        raise ValueError("attrs must be a non-empty sequence of names (not a string)")
    body = {"entities": [{"id": i, "type": t} for i, t in entities], "attrs": list(attrs)}
    response = yield Call("POST", "/v2/op/query", ctx, json=body)
    return parsing.parse_last_values(_body_or_empty(response))


def notify(
    ctx: FiwareContext,
    entities: Sequence[Mapping[str, Any]],
    *,
    subscription_id: str | None,
    time_index_attribute: str | None,
) -> Plan[None]:
    """``POST /v2/notify`` with Orion's normalized notification body; never retried."""
    check_normalized(entities)
    body: dict[str, Any] = {"data": [dict(entity) for entity in entities]}
    if subscription_id is not None:
        body["subscriptionId"] = subscription_id
    headers = {}
    if time_index_attribute is not None:
        headers["Fiware-TimeIndex-Attribute"] = time_index_attribute
    response = yield Call("POST", "/v2/notify", ctx, json=body, headers=headers, idempotent=False)
    if not response.is_success:
        raise api_error(response)
    return None


def check_normalized(entities: Sequence[Mapping[str, Any]]) -> None:
    """Refuse what QL cannot store: entities need string ``id``/``type`` and attributes in
    NGSI-v2 normalized form (``{"type": ..., "value": ...}``); QL answers 500 to
    key-values."""
    if isinstance(entities, Mapping) or not entities:
        raise ValueError("entities must be a non-empty sequence of entity objects")
    for position, entity in enumerate(entities):
        if not isinstance(entity, Mapping):
            raise ValueError(f"entity {position} is not a mapping")
        for key in ("id", "type"):
            if not isinstance(entity.get(key), str) or not entity[key]:
                raise ValueError(f"entity {position} needs a non-empty string {key!r}")
        for name, value in entity.items():
            if name not in ("id", "type") and not isinstance(value, Mapping):
                raise ValueError(
                    f"entity {position} attribute {name!r} must be normalized "
                    '({"type": ..., "value": ...}), not a bare value'
                )


def _ok_body(response: httpx.Response) -> Any:
    if not response.is_success:
        raise api_error(response)
    return response.json()


def _body_or_empty(response: httpx.Response) -> Any:
    """The JSON body of a read; QL 1.0.0's 404 "Not Found" is "no data", i.e. ``[]``."""
    if is_ql_no_data(response):
        return []
    return _ok_body(response)


def _with_page(params: Mapping[str, str], limit: int | None, offset: int | None) -> dict[str, str]:
    result = dict(params)
    if limit is not None:
        result["limit"] = str(limit)
    if offset:
        result["offset"] = str(offset)
    return result
