"""Reading QuantumLeap answers in either dialect into the public models.

QL 1.0.0 names entities ``entityId``/``entityType``; 1.0.1 says ``id``/``type`` and
answers "no data" with a bare ``[]`` even where an object is normally returned. Every
parser here accepts both, and raises ResponseFormatError on anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ngsi._exceptions import ResponseFormatError
from ngsi._models import EntitySeries, EntitySummary, Health
from ngsi._shapes import as_dict, as_list, kind_of

_ID_KEYS = ("id", "entityId")
_TYPE_KEYS = ("type", "entityType")


def is_no_data(body: Any) -> bool:
    """QL 1.0.1's "no records" answer: ``[]`` where an object was expected."""
    return isinstance(body, list) and not body


def parse_time(value: Any, what: str) -> datetime:
    """An ISO 8601 time from QL (``+00:00`` or ``Z``) as an aware UTC datetime.

    QL always writes UTC; a time without offset is read as UTC too.
    """
    if not isinstance(value, str):
        raise ResponseFormatError(f"{what}: expected an ISO time string, got {kind_of(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ResponseFormatError(f"{what}: {value[:40]!r} is not an ISO time") from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_index(value: Any, what: str, *, whole_range: bool) -> list[datetime]:
    """A series' ``index``; empty for a whole-range aggregate, whose index QL fills with
    ``[]``, ``["", ""]`` or the requested ``[fromDate, toDate]``."""
    entries = as_list(value, f"{what} index")
    if whole_range:
        return []
    return [parse_time(entry, f"{what} index") for entry in entries]


def parse_version(body: Any) -> str:
    """``GET /version``: ``{"version": "1.0.0"}``."""
    version = as_dict(body, "version").get("version")
    if not isinstance(version, str):
        raise ResponseFormatError("version: 'version' is missing or not a string")
    return version


def parse_health(body: Any) -> Health:
    """``GET /health``: ``{"status": ..., "details": {...}}``."""
    data = as_dict(body, "health")
    status = data.get("status")
    if not isinstance(status, str):
        raise ResponseFormatError("health: 'status' is missing or not a string")
    details = data.get("details", {})
    return Health(status=status, details=as_dict(details, "health details"))


def parse_entity_summaries(body: Any) -> list[EntitySummary]:
    """``GET /v2/entities``: ``[{"id"|"entityId", "type"|"entityType", "index"}]``."""
    result = []
    for item in as_list(body, "entity list"):
        data = as_dict(item, "entity list item")
        index = data.get("index")
        result.append(
            EntitySummary(
                id=_name(data, _ID_KEYS, "entity list item"),
                type=_name(data, _TYPE_KEYS, "entity list item"),
                index=parse_time(index, "entity list item index") if index else None,
            )
        )
    return result


def parse_entity_series(
    body: Any, *, entity_id: str, entity_type: str, whole_range: bool
) -> EntitySeries:
    """``GET /v2/entities/{id}``: ``{id, type, index, attributes: [{attrName, values}]}``."""
    if is_no_data(body):
        return EntitySeries(id=entity_id, type=entity_type)
    data = as_dict(body, "entity series")
    return EntitySeries(
        id=_name(data, _ID_KEYS, "entity series", default=entity_id),
        type=_name(data, _TYPE_KEYS, "entity series", default=entity_type),
        index=parse_index(data.get("index"), "entity series", whole_range=whole_range),
        attributes=_attributes(data.get("attributes"), "entity series"),
    )


def parse_attr_series(
    body: Any, *, entity_id: str, entity_type: str, attr: str, whole_range: bool
) -> EntitySeries:
    """``GET /v2/entities/{id}/attrs/{attr}``: ``{id, type, attrName, index, values}``."""
    if is_no_data(body):
        return EntitySeries(id=entity_id, type=entity_type)
    data = as_dict(body, "attribute series")
    name = data.get("attrName", attr)
    return EntitySeries(
        id=_name(data, _ID_KEYS, "attribute series", default=entity_id),
        type=_name(data, _TYPE_KEYS, "attribute series", default=entity_type),
        index=parse_index(data.get("index"), "attribute series", whole_range=whole_range),
        attributes={_attr_name(name, "attribute series"): _values(data, "attribute series")},
    )


def parse_type_series(body: Any, *, entity_type: str, whole_range: bool) -> list[EntitySeries]:
    """``GET /v2/types/{type}``: ``{type, entities: [{id, index, attributes}]}``."""
    if is_no_data(body):
        return []
    data = as_dict(body, "type series")
    series_type = _name(data, _TYPE_KEYS, "type series", default=entity_type)
    result = []
    for item in as_list(data.get("entities"), "type series entities"):
        entity = as_dict(item, "type series entity")
        result.append(
            EntitySeries(
                id=_name(entity, _ID_KEYS, "type series entity"),
                type=_name(entity, _TYPE_KEYS, "type series entity", default=series_type),
                index=parse_index(entity.get("index"), "type series", whole_range=whole_range),
                attributes=_attributes(entity.get("attributes"), "type series entity"),
            )
        )
    return result


def parse_type_attr_series(
    body: Any, *, entity_type: str, attr: str, whole_range: bool
) -> list[EntitySeries]:
    """``GET /v2/types/{type}/attrs/{attr}``: ``{type, attrName, entities: [{id, index,
    values}]}``."""
    if is_no_data(body):
        return []
    data = as_dict(body, "type attribute series")
    what = "type attribute series"
    series_type = _name(data, _TYPE_KEYS, what, default=entity_type)
    name = _attr_name(data.get("attrName", attr), what)
    result = []
    for item in as_list(data.get("entities"), f"{what} entities"):
        entity = as_dict(item, f"{what} entity")
        result.append(
            EntitySeries(
                id=_name(entity, _ID_KEYS, f"{what} entity"),
                type=_name(entity, _TYPE_KEYS, f"{what} entity", default=series_type),
                index=parse_index(entity.get("index"), what, whole_range=whole_range),
                attributes={name: _values(entity, f"{what} entity")},
            )
        )
    return result


def parse_last_values(body: Any) -> list[dict[str, Any]]:
    """``POST /v2/op/query``: NGSI-v2 normalized entities, each with ``id`` and ``type``."""
    result = []
    for item in as_list(body, "last values"):
        entity = as_dict(item, "last values entity")
        _name(entity, ("id",), "last values entity")
        _name(entity, ("type",), "last values entity")
        result.append(entity)
    return result


def _name(data: dict[str, Any], keys: Sequence[str], what: str, default: str | None = None) -> str:
    for key in keys:
        value = data.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise ResponseFormatError(f"{what}: '{key}' is {kind_of(value)}, not a string")
            return value
    if default is None:
        raise ResponseFormatError(f"{what}: none of {', '.join(keys)} present")
    return default


def _attr_name(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ResponseFormatError(f"{what}: 'attrName' is {kind_of(value)}, not a string")
    return value


def _values(data: dict[str, Any], what: str) -> list[Any]:
    return as_list(data.get("values"), f"{what} values")


def _attributes(value: Any, what: str) -> dict[str, list[Any]]:
    result: dict[str, list[Any]] = {}
    for item in as_list(value, f"{what} attributes"):
        attribute = as_dict(item, f"{what} attribute")
        result[_attr_name(attribute.get("attrName"), what)] = _values(attribute, what)
    return result
