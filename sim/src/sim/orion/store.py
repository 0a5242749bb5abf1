"""Orion's state: entities per tenant (in creation order) and subscriptions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sim.orion.model import Attribute, Entity

EntityKey = tuple[str, str, str]


@dataclass(slots=True)
class Change:
    """What one write did to one entity, for subscriptions."""

    entity: Entity
    alteration: str
    changed: set[str]


@dataclass(slots=True)
class Subscription:
    """A stored subscription: the client's document plus Orion's bookkeeping."""

    id: str
    tenant: str
    service_path: str
    document: dict[str, Any]
    times_sent: int = 0
    fails_counter: int = 0
    last_notification: datetime | None = None
    last_success: datetime | None = None
    last_failure: datetime | None = None
    last_failure_reason: str | None = None
    last_success_code: int | None = None


@dataclass(slots=True)
class Tenant:
    entities: dict[EntityKey, Entity] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)


def now() -> datetime:
    return datetime.now(UTC)


class OrionStore:
    """In-memory Orion state; every write returns the `Change` it made."""

    def __init__(self) -> None:
        self._tenants: dict[str, Tenant] = {}

    def tenant(self, name: str) -> Tenant:
        return self._tenants.setdefault(name, Tenant())

    def entities(self, tenant: str) -> Iterator[Entity]:
        yield from self.tenant(tenant).entities.values()

    def get(self, tenant: str, entity_id: str, entity_type: str, path: str) -> Entity | None:
        return self.tenant(tenant).entities.get((entity_id, entity_type, path))

    def create(
        self, tenant: str, path: str, entity_id: str, entity_type: str, attrs: dict[str, Attribute]
    ) -> Change:
        stamp = now()
        entity = Entity(entity_id, entity_type, path, stamp, stamp, dict(attrs))
        self.tenant(tenant).entities[(entity_id, entity_type, path)] = entity
        return Change(entity, "entityCreate", set(attrs))

    def merge(self, entity: Entity, attrs: dict[str, Attribute]) -> Change:
        """Add or overwrite attributes; `changed` only names those whose value or type moved."""
        stamp = now()
        changed: set[str] = set()
        for name, incoming in attrs.items():
            current = entity.attrs.get(name)
            if current is None:
                entity.attrs[name] = incoming
                changed.add(name)
                continue
            if current.value != incoming.value or current.type != incoming.type:
                changed.add(name)
            current.value, current.type = incoming.value, incoming.type
            current.metadata.update(incoming.metadata)
            current.modified = stamp
        entity.modified = stamp
        return Change(entity, "entityChange" if changed else "entityUpdate", changed)

    def replace(self, entity: Entity, attrs: dict[str, Attribute]) -> Change:
        entity.attrs = dict(attrs)
        entity.modified = now()
        return Change(entity, "entityChange", set(attrs))

    def remove_attrs(self, entity: Entity, names: list[str]) -> Change:
        for name in names:
            entity.attrs.pop(name, None)
        entity.modified = now()
        return Change(entity, "entityChange", set(names))

    def delete(self, tenant: str, entity: Entity) -> Change:
        self.tenant(tenant).entities.pop((entity.id, entity.type, entity.service_path), None)
        return Change(entity, "entityDelete", set(entity.attrs))

    def types(self, tenant: str) -> dict[str, list[Entity]]:
        found: dict[str, list[Entity]] = {}
        for entity in self.entities(tenant):
            found.setdefault(entity.type, []).append(entity)
        return dict(sorted(found.items()))
