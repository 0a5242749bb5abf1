"""Measured KPI series of one insight, from ``InsightKPI`` series in QuantumLeap.

Rows are matched on their ``insightId`` and ``kpi`` attributes, not on the entity id, so
an id pattern that also catches a neighbouring insight (``:1`` inside ``:10``) is harmless.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class SeriesLike(Protocol):
    """One entity's rows: ``attributes[name][i]`` is the value at ``index[i]`` (or None)."""

    @property
    def index(self) -> Sequence[datetime]: ...

    @property
    def attributes(self) -> Mapping[str, Sequence[Any]]: ...


@dataclass(frozen=True, slots=True)
class KpiSeries:
    """Measured values of one KPI, oldest first."""

    times: tuple[datetime, ...]
    values: tuple[float, ...]


def insight_suffix(insight_id: str) -> str:
    """``urn:ngsi-ld:Insights:7`` → ``7``: the part InsightKPI ids repeat."""
    return insight_id.rsplit(":", 1)[-1]


def _cell(series: SeriesLike, name: str, i: int) -> Any:
    values = series.attributes.get(name, ())
    return values[i] if i < len(values) else None


def kpi_series(series: Iterable[SeriesLike], insight_id: str) -> dict[str, KpiSeries]:
    """Per KPI name, the numeric readings that belong to ``insight_id``, oldest first."""
    points: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for entity in series:
        for i, at in enumerate(entity.index):
            if _cell(entity, "insightId", i) != insight_id:
                continue
            kpi = _cell(entity, "kpi", i)
            value = _cell(entity, "value", i)
            if not isinstance(kpi, str) or isinstance(value, bool):
                continue
            if isinstance(value, int | float) and math.isfinite(value):
                points[kpi].append((at, float(value)))
    result: dict[str, KpiSeries] = {}
    for kpi, rows in points.items():
        rows.sort(key=lambda row: row[0])
        result[kpi] = KpiSeries(tuple(t for t, _ in rows), tuple(v for _, v in rows))
    return result
