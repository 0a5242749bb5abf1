"""Entities as Orion writes them: normalized, keyValues or values; attrs filtering."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sim.orion.model import Attribute, Entity
from sim.ql.timeformat import format_index

NORMALIZED = "normalized"
KEY_VALUES = "keyValues"
VALUES = "values"


def _iso(moment: Any) -> str:
    # Orion writes builtin dates as ISO 8601 with milliseconds and a Z.
    return str(format_index(moment)).replace("+00:00", "Z")


def _attribute(attr: Attribute, metadata: Iterable[str] = ()) -> dict[str, Any]:
    meta = dict(attr.metadata)
    for name in metadata:
        if name == "dateCreated":
            meta["dateCreated"] = {"type": "DateTime", "value": _iso(attr.created)}
        elif name == "dateModified":
            meta["dateModified"] = {"type": "DateTime", "value": _iso(attr.modified)}
    return {"type": attr.type, "value": attr.value, "metadata": meta}


def selected_attributes(
    entity: Entity, attrs: list[str] | None, except_attrs: list[str] | None = None
) -> dict[str, Attribute]:
    """The attributes to show (with builtins only when named), in entity order."""
    chosen: dict[str, Attribute] = {}
    names = attrs or []
    everything = not names or "*" in names
    for name, attr in entity.attrs.items():
        if (everything or name in names) and name not in (except_attrs or []):
            chosen[name] = attr
    if "dateCreated" in names:
        chosen["dateCreated"] = Attribute(
            "DateTime", _iso(entity.created), {}, entity.created, entity.created
        )
    if "dateModified" in names:
        chosen["dateModified"] = Attribute(
            "DateTime", _iso(entity.modified), {}, entity.modified, entity.modified
        )
    return chosen


def render_entity(
    entity: Entity,
    *,
    attrs: list[str] | None = None,
    except_attrs: list[str] | None = None,
    fmt: str = NORMALIZED,
    metadata: Iterable[str] = (),
) -> Any:
    """One entity in the requested format."""
    chosen = selected_attributes(entity, attrs, except_attrs)
    if fmt == VALUES:
        order = [a for a in (attrs or chosen) if a in chosen and a != "*"] or list(chosen)
        return [chosen[name].value for name in order]
    body: dict[str, Any] = {"id": entity.id, "type": entity.type}
    wanted_meta = list(metadata)
    for name, attr in chosen.items():
        body[name] = attr.value if fmt == KEY_VALUES else _attribute(attr, wanted_meta)
    return body


def render_attributes(entity: Entity, attrs: list[str] | None, fmt: str) -> Any:
    """``GET /v2/entities/{id}/attrs``: the entity without id and type."""
    body = render_entity(entity, attrs=attrs, fmt=fmt)
    if isinstance(body, dict):
        body.pop("id")
        body.pop("type")
    return body


def render_attribute(attr: Attribute) -> dict[str, Any]:
    return _attribute(attr)
