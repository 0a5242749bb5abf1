"""Turning an Orion notification into QL rows, with QL's time-index priority."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sim.ql.errors import NotificationCrash
from sim.ql.model import Column, Row
from sim.ql.timeformat import InvalidDate, format_index, parse_iso, utc_now

_DATETIME_TYPES = frozenset({"DateTime", "ISO8601"})


def infer_type(value: Any) -> str:
    """QL's guess for an attribute sent without a type."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Number"
    if isinstance(value, dict | list):
        return "StructuredValue"
    return "Text"


def _normalise(value: Any, ngsi_type: str) -> Any:
    if value is None:
        return None
    if ngsi_type == "Number" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if ngsi_type in _DATETIME_TYPES and isinstance(value, str):
        try:
            return format_index(parse_iso(value))
        except InvalidDate:
            return value
    return value


def _try_parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_iso(value)
    except InvalidDate:
        return None


def _attribute_value(entity: Mapping[str, Any], name: str) -> datetime | None:
    attr = entity.get(name)
    if isinstance(attr, Mapping):
        return _try_parse(attr.get("value"))
    return _try_parse(attr)


def _newest_metadata(entity: Mapping[str, Any], name: str) -> datetime | None:
    found: list[datetime] = []
    for attr in entity.values():
        if not isinstance(attr, Mapping):
            continue
        metadata = attr.get("metadata")
        if isinstance(metadata, Mapping) and isinstance(metadata.get(name), Mapping):
            parsed = _try_parse(metadata[name].get("value"))
            if parsed is not None:
                found.append(parsed)
    return max(found) if found else None


def time_index(entity: Mapping[str, Any], custom_attribute: str | None) -> datetime:
    """The row's time: the first candidate that parses, in QL's order, else now."""
    candidates: list[tuple[str, bool]] = []
    if custom_attribute:
        candidates += [(custom_attribute, True), (custom_attribute, False)]
    candidates += [("TimeInstant", True), ("TimeInstant", False)]
    candidates += [("timestamp", True), ("timestamp", False)]
    # NGSI-LD names come as metadata first, then as plain (key-value) attributes.
    candidates += [("observedAt", False), ("modifiedAt", False)]
    candidates += [("observedAt", True), ("modifiedAt", True)]
    candidates += [("dateModified", True), ("dateModified", False)]
    for name, as_attribute in candidates:
        found = _attribute_value(entity, name) if as_attribute else _newest_metadata(entity, name)
        if found is not None:
            return found
    return utc_now()


def entity_to_row(
    entity: Mapping[str, Any], service_path: str, custom_attribute: str | None
) -> tuple[Row, dict[str, Column]] | None:
    """Build a row and its column definitions; ``None`` when no attribute carries data."""
    values: dict[str, Any] = {}
    columns: dict[str, Column] = {}
    for name, attr in entity.items():
        if name in ("id", "type"):
            continue
        if not isinstance(attr, Mapping):
            # Real QL fails with a 500 on key-value notifications.
            raise NotificationCrash(f"attribute {name!r} is not in normalized form")
        if "value" not in attr and "type" not in attr:
            continue
        value = attr.get("value")
        ngsi_type = attr.get("type") or infer_type(value)
        column = name.lower()
        columns[column] = Column(name=name, ngsi_type=str(ngsi_type))
        values[column] = _normalise(value, str(ngsi_type))
    if not values:
        return None
    row = Row(
        entity_id=str(entity["id"]),
        entity_type=str(entity["type"]),
        service_path=service_path,
        time_index=time_index(entity, custom_attribute),
        values=values,
    )
    return row, columns
