"""The result models: aligned columns for plotting and their invariants."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta

import pytest
from ngsi import EntitySeries, Health
from pydantic import ValidationError

T0 = datetime(2026, 11, 1, tzinfo=UTC)
SERIES = EntitySeries(
    id="Room1",
    type="Room",
    index=[T0, T0 + timedelta(hours=1)],
    attributes={"pressure": [700, None], "temperature": [20.0, 21.0]},
)


def test_columns_for_plotting() -> None:
    columns = SERIES.columns()
    assert columns == {
        "index": [T0, T0 + timedelta(hours=1)],
        "pressure": [700, None],
        "temperature": [20.0, 21.0],
    }
    columns["pressure"].append(1)
    assert SERIES.attributes["pressure"] == [700, None]
    assert len(SERIES) == 2
    assert not SERIES.is_empty


def test_misaligned_values_are_refused() -> None:
    with pytest.raises(ValidationError, match="2 index entries"):
        EntitySeries(id="R", type="T", index=SERIES.index, attributes={"a": [1]})


def test_naive_index_is_refused() -> None:
    with pytest.raises(ValidationError):
        EntitySeries(id="R", type="T", index=[datetime(2026, 11, 1)], attributes={"a": [1]})


def test_merge_fills_missing_attributes_with_none() -> None:
    later = EntitySeries(
        id="Room1", type="Room", index=[T0 + timedelta(hours=2)], attributes={"humidity": [40]}
    )
    merged = SERIES.merged(later)
    assert merged.attributes == {
        "pressure": [700, None, None],
        "temperature": [20.0, 21.0, None],
        "humidity": [None, None, 40],
    }
    assert len(merged) == 3


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas not installed")
def test_to_pandas() -> None:
    frame = SERIES.to_pandas()
    assert list(frame.columns) == ["pressure", "temperature"]
    assert frame.index[0] == T0


@pytest.mark.skipif(importlib.util.find_spec("pandas") is not None, reason="pandas installed")
def test_to_pandas_without_pandas_says_so() -> None:
    with pytest.raises(ImportError, match="needs pandas"):
        SERIES.to_pandas()


@pytest.mark.parametrize(("status", "ok"), [("pass", True), ("warn", True), ("fail", False)])
def test_health_ok(status: str, ok: bool) -> None:
    assert Health(status=status).ok is ok
