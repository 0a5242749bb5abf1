"""Orion's entities and attributes, and the checks on incoming NGSI-v2 payloads."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sim.orion.errors import bad_request

DEFAULT_TYPE = "Thing"
BUILTIN_ATTRS = frozenset({"dateCreated", "dateModified", "dateExpires", "alterationType"})
# Printable ASCII without whitespace, &, ?, / and #, nor Orion's forbidden < > " ' = ; ( ).
_IDENTIFIER = re.compile(r"""^[!-~]{1,256}$""")
_FORBIDDEN = set("&?/#<>\"'=;()")


def check_identifier(value: Any, what: str) -> str:
    """An id, type or attribute name as Orion accepts it, else 400."""
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise bad_request(f"Invalid characters in {what}")
    if _FORBIDDEN.intersection(value):
        raise bad_request(f"Invalid characters in {what}")
    return value


def infer_type(value: Any) -> str:
    """Orion's default attribute type for a value sent without one."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Number"
    if isinstance(value, dict | list):
        return "StructuredValue"
    return "Text"


@dataclass(slots=True)
class Attribute:
    """One attribute with its metadata and builtin timestamps."""

    type: str
    value: Any
    metadata: dict[str, Any]
    created: datetime
    modified: datetime


@dataclass(slots=True)
class Entity:
    """A stored entity; (id, type, service path) identifies it."""

    id: str
    type: str
    service_path: str
    created: datetime
    modified: datetime
    attrs: dict[str, Attribute] = field(default_factory=dict)


def parse_attribute(name: str, raw: Any, *, key_values: bool, now: datetime) -> Attribute:
    """One attribute from a request body (normalized, or key-values with `options=keyValues`)."""
    check_identifier(name, "attribute name")
    if key_values or not isinstance(raw, Mapping):
        return Attribute(infer_type(raw), raw, {}, now, now)
    value = raw.get("value")
    attr_type = raw.get("type") or infer_type(value)
    check_identifier(attr_type, "attribute type")
    metadata = raw.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise bad_request("metadata must be a JSON object")
    return Attribute(str(attr_type), value, dict(metadata), now, now)


def parse_entity_body(
    raw: Any, *, key_values: bool, now: datetime, require_id: bool = True
) -> tuple[str, str, dict[str, Attribute]]:
    """An entity body's id, type (default ``Thing``) and attributes."""
    if not isinstance(raw, Mapping):
        raise bad_request("entity must be a JSON object")
    if require_id and "id" not in raw:
        raise bad_request("entity id is missing")
    entity_id = check_identifier(raw.get("id"), "entity id") if "id" in raw else ""
    entity_type = raw.get("type", DEFAULT_TYPE)
    check_identifier(entity_type, "entity type")
    attrs = {
        name: parse_attribute(name, value, key_values=key_values, now=now)
        for name, value in raw.items()
        if name not in ("id", "type")
    }
    return entity_id, str(entity_type), attrs
