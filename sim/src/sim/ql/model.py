"""What the QL stand-in stores: one row per entity and time instant, per type table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The NGSI types QL stores as numbers; aggregation refuses everything else.
NUMERIC_TYPES = frozenset({"Number", "Integer", "Float"})


@dataclass(frozen=True, slots=True)
class Column:
    """An attribute column: its original (first seen) name and NGSI type."""

    name: str
    ngsi_type: str


@dataclass(slots=True)
class Row:
    """One notified entity at one time index; `values` is keyed by lower-cased attribute."""

    entity_id: str
    entity_type: str
    service_path: str
    time_index: datetime
    values: dict[str, Any]
    seq: int = 0


@dataclass(slots=True)
class Table:
    """A tenant's table for one entity type; rows stay sorted by (time index, arrival)."""

    entity_type: str
    columns: dict[str, Column] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
