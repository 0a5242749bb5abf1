"""QuantumLeap query parameters, validated before anything is sent.

QL answers 501 to ``options`` and ``aggrScope``, 400 to ``aggrMethod`` without attribute
names or ``aggrPeriod`` without ``aggrMethod``, and reads naive dates in its database's
time zone: such queries are refused here with a ValueError instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ngsi._models import as_utc

QL_MAX_LIMIT = 10_000
AGGR_METHODS = frozenset({"count", "sum", "avg", "min", "max"})
AGGR_PERIODS = frozenset({"year", "month", "day", "hour", "minute", "second"})


@dataclass(frozen=True)
class SeriesQuery:
    """The query parameters shared by every QL series endpoint, validated."""

    attrs: Sequence[str] | None = None
    last_n: int | None = None
    from_date: datetime | None = None
    to_date: datetime | None = None
    limit: int | None = None
    offset: int | None = None
    aggr_method: str | None = None
    aggr_period: str | None = None
    # Endpoints with the attribute in the path need no attrs= for aggrMethod.
    attr_in_path: bool = False

    def __post_init__(self) -> None:
        if self.attrs is not None and (isinstance(self.attrs, str) or not self.attrs):
            raise ValueError("attrs must be a non-empty sequence of names (not a string)")
        check_positive("last_n", self.last_n)
        check_limit(self.limit)
        check_offset(self.offset)
        for value in (self.from_date, self.to_date):
            if value is not None:
                as_utc(value)
        if self.aggr_method is not None:
            if self.aggr_method not in AGGR_METHODS:
                raise ValueError(f"aggr_method must be one of {sorted(AGGR_METHODS)}")
            # QL answers 400 when aggregating without naming the attributes.
            if not self.attrs and not self.attr_in_path:
                raise ValueError("aggr_method needs attrs: QL aggregates named attributes only")
        if self.aggr_period is not None:
            if self.aggr_period not in AGGR_PERIODS:
                raise ValueError(f"aggr_period must be one of {sorted(AGGR_PERIODS)}")
            if self.aggr_method is None:
                raise ValueError("aggr_period needs aggr_method")

    @property
    def whole_range(self) -> bool:
        """Aggregating over the whole range: one value per attribute, no time index."""
        return self.aggr_method is not None and self.aggr_period is None

    def params(self) -> dict[str, str]:
        """Query parameters without paging; never ``options`` or ``aggrScope`` (QL: 501)."""
        params: dict[str, str] = {}
        if self.attrs is not None:
            params["attrs"] = ",".join(self.attrs)
        if self.last_n is not None:
            params["lastN"] = str(self.last_n)
        if self.from_date is not None:
            params["fromDate"] = iso_utc(self.from_date)
        if self.to_date is not None:
            params["toDate"] = iso_utc(self.to_date)
        if self.aggr_method is not None:
            params["aggrMethod"] = self.aggr_method
        if self.aggr_period is not None:
            params["aggrPeriod"] = self.aggr_period
        return params


def iso_utc(value: datetime) -> str:
    """An aware datetime as UTC ISO 8601 with an explicit ``+00:00`` offset."""
    return as_utc(value).isoformat()


def check_name(name: str, value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string (got {value!r})")


def check_positive(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or value < 1):
        raise ValueError(f"{name} must be a positive integer (got {value!r})")


def check_limit(limit: int | None) -> None:
    check_positive("limit", limit)
    if limit is not None and limit > QL_MAX_LIMIT:
        raise ValueError(f"limit may be at most {QL_MAX_LIMIT} (QL's cap; got {limit})")


def check_offset(offset: int | None) -> None:
    if offset is not None and (isinstance(offset, bool) or offset < 0):
        raise ValueError(f"offset must be a non-negative integer (got {offset!r})")
