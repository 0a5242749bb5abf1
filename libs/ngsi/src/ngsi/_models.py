"""What the clients return: typed, dialect-free views of QuantumLeap answers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator


class EntitySummary(BaseModel):
    """One entity QuantumLeap holds history for (an item of ``GET /v2/entities``)."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="The entity id.")
    type: str = Field(description="The entity type.")
    index: AwareDatetime | None = Field(
        default=None, description="Time of the entity's newest row (UTC), if QL gave one."
    )


class EntitySeries(BaseModel):
    """The time series of one entity: a shared time index and one value list per attribute.

    ``attributes`` maps each attribute name (as QL spelled it; QL returns them sorted by
    name) to its values, aligned with ``index``; a missing value is ``None``.

    When QL aggregates over the whole requested range (``aggr_method`` without
    ``aggr_period``) there is no time index: ``index`` is empty and every attribute holds
    a single value.
    """

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="The entity id.")
    type: str = Field(description="The entity type.")
    index: list[AwareDatetime] = Field(
        default_factory=list, description="Row times, aware (UTC), ascending."
    )
    attributes: dict[str, list[Any]] = Field(
        default_factory=dict, description="Attribute name to values aligned with index."
    )

    @model_validator(mode="after")
    def _aligned(self) -> EntitySeries:
        rows = len(self.index)
        for name, values in self.attributes.items():
            if len(values) != rows and not (rows == 0 and len(values) <= 1):
                raise ValueError(
                    f"attribute {name!r} has {len(values)} values for {rows} index entries"
                )
        return self

    def __len__(self) -> int:
        """Number of rows (time instants)."""
        return len(self.index)

    @property
    def is_empty(self) -> bool:
        """True when the series holds no values at all."""
        return not self.index and not any(self.attributes.values())

    def columns(self) -> dict[str, list[Any]]:
        """Columns for plotting: ``{"index": [...times], "<attr>": [...values], ...}``.

        The lists are copies. An attribute literally named ``index`` is shadowed by the
        time index.
        """
        result: dict[str, list[Any]] = {
            name: list(values) for name, values in self.attributes.items()
        }
        result["index"] = list(self.index)
        return result

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with one column per attribute and a UTC DatetimeIndex.

        pandas is not a dependency of ngsi: this raises ImportError when it is not installed.
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("EntitySeries.to_pandas() needs pandas installed") from exc
        index = pd.DatetimeIndex(self.index, name="index") if self.index else None
        return pd.DataFrame(
            {name: list(values) for name, values in self.attributes.items()}, index=index
        )

    def merged(self, later: EntitySeries) -> EntitySeries:
        """This series followed by the rows of ``later`` (the next page of the same entity)."""
        names = list(dict.fromkeys([*self.attributes, *later.attributes]))
        attributes = {
            name: [
                *self.attributes.get(name, [None] * len(self.index)),
                *later.attributes.get(name, [None] * len(later.index)),
            ]
            for name in names
        }
        return EntitySeries(
            id=self.id, type=self.type, index=[*self.index, *later.index], attributes=attributes
        )


class Health(BaseModel):
    """QuantumLeap's ``/health`` answer."""

    model_config = ConfigDict(frozen=True)

    status: str = Field(description='"pass", "warn" or "fail".')
    details: dict[str, Any] = Field(
        default_factory=dict, description="Per-backend checks QL reports when not passing."
    )

    @property
    def ok(self) -> bool:
        """True when QL can serve requests (status "pass" or "warn")."""
        return self.status in ("pass", "warn")


def as_utc(value: datetime) -> datetime:
    """An aware datetime converted to UTC; naive ones are refused (QL reads them in the
    database session's zone, which is rarely what was meant)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware (got naive {value.isoformat()})")
    return value.astimezone(UTC)
