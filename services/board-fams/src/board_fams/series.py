"""The shape of a QuantumLeap series as the shaping code reads it.

A structural type rather than ngsi's concrete class, so the shaping functions can be fed
from any source (QL, a test, a fixture) that has a time index and per-attribute columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol


class SeriesLike(Protocol):
    """One entity's rows: ``attributes[name][i]`` is the value at ``index[i]`` (or None)."""

    @property
    def index(self) -> Sequence[datetime]: ...

    @property
    def attributes(self) -> Mapping[str, Sequence[Any]]: ...


def column(series: SeriesLike, name: str) -> Sequence[Any]:
    """Return the column ``name``, padded with None to the length of the index.

    QL omits an attribute an entity never had and the stand-in may return short columns;
    padding keeps row ``i`` aligned with ``index[i]`` either way.
    """
    values = list(series.attributes.get(name, ()))
    missing = len(series.index) - len(values)
    if missing > 0:
        values.extend([None] * missing)
    return values
