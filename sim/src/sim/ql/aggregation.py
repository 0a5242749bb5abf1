"""aggrMethod / aggrPeriod over one entity's rows, as QL's SQL GROUP BY does it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sim.ql.errors import aggregation_not_applicable
from sim.ql.model import NUMERIC_TYPES, Column, Row
from sim.ql.params import QueryParams
from sim.ql.timeformat import format_index


def _truncate(moment: datetime, period: str) -> datetime:
    if period == "year":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if period == "month":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    if period == "minute":
        return moment.replace(second=0, microsecond=0)
    return moment.replace(microsecond=0)


def _apply(method: str, values: list[Any], ngsi_type: str) -> Any:
    present = [v for v in values if v is not None]
    if method == "count":
        return len(present)
    if not present:
        return None
    if method == "sum":
        return float(sum(present))
    if method == "avg":
        return float(sum(present)) / len(present)
    pick: Callable[[list[Any]], Any] = min if method == "min" else max
    chosen = pick(present)
    return float(chosen) if ngsi_type != "Integer" else chosen


def check_aggregable(method: str | None, columns: Sequence[tuple[str, Column]]) -> None:
    """QL refuses sum/avg/min/max on text, boolean and other non-numeric columns."""
    if method is None or method == "count":
        return
    if any(col.ngsi_type not in NUMERIC_TYPES for _, col in columns):
        raise aggregation_not_applicable()


def aggregate(
    rows: list[Row], columns: Sequence[tuple[str, Column]], params: QueryParams
) -> tuple[list[str] | None, dict[str, list[Any]]]:
    """One value per column, or one per aggrPeriod bucket with the bucket starts as index.

    The index is ``None`` without aggrPeriod: each endpoint has its own rule for it.
    """
    assert params.aggr_method is not None
    method = params.aggr_method
    if params.aggr_period is None:
        return None, {
            key: [_apply(method, [r.values.get(key) for r in rows], col.ngsi_type)]
            for key, col in columns
        }
    buckets: dict[datetime, list[Row]] = {}
    for row in rows:
        buckets.setdefault(_truncate(row.time_index, params.aggr_period), []).append(row)
    starts = sorted(buckets)
    if params.last_n is not None:
        starts = starts[-min(params.last_n, params.limit) :]
    else:
        starts = starts[params.offset : params.offset + params.limit]
    values = {
        key: [
            _apply(method, [r.values.get(key) for r in buckets[s]], col.ngsi_type) for s in starts
        ]
        for key, col in columns
    }
    return [format_index(s) for s in starts], values
