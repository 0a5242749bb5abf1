"""Frames: the rows one query window holds, in a form that is cheap to cache and slice.

A frame is columnar: ``times`` (aware UTC, ascending) and one list per column, aligned
with it. Boards fetch frames; the kit caches them, slices off what a browser already has,
and hands the rows to the board's pure trace builder.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

ENTITY = "entity"


@dataclass(frozen=True, slots=True)
class Frame:
    """Rows ordered by time; ``columns`` values are aligned with ``times``."""

    times: tuple[datetime, ...] = ()
    columns: Mapping[str, Sequence[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def last_time(self) -> datetime | None:
        """The newest row's time, or None for an empty frame."""
        return self.times[-1] if self.times else None

    def column(self, name: str) -> list[Any]:
        """One column as a list (all None when the frame has no such column)."""
        values = self.columns.get(name)
        return list(values) if values is not None else [None] * len(self.times)

    def after(self, moment: datetime | None) -> Frame:
        """The rows strictly newer than ``moment`` (all rows when it is None)."""
        if moment is None:
            return self
        start = bisect.bisect_right(self.times, moment)
        return self._slice(start, len(self.times))

    def until(self, moment: datetime) -> Frame:
        """The rows at or before ``moment``."""
        return self._slice(0, bisect.bisect_right(self.times, moment))

    def tail(self, count: int) -> Frame:
        """The newest ``count`` rows."""
        return self._slice(max(0, len(self.times) - count), len(self.times))

    def _slice(self, start: int, stop: int) -> Frame:
        return Frame(
            self.times[start:stop],
            {name: list(values[start:stop]) for name, values in self.columns.items()},
        )

    def rows(self) -> Iterable[dict[str, Any]]:
        """Each row as a dict with ``time`` and every column."""
        for position, moment in enumerate(self.times):
            row: dict[str, Any] = {"time": moment}
            for name, values in self.columns.items():
                row[name] = values[position]
            yield row

    def to_json(self) -> str:
        """Serialise for the shared cache."""
        data = {"times": [t.isoformat() for t in self.times], "columns": dict(self.columns)}
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> Frame:
        """Read what :meth:`to_json` wrote."""
        raw = orjson.loads(text)
        return cls(
            tuple(datetime.fromisoformat(t) for t in raw["times"]),
            {str(k): list(v) for k, v in raw["columns"].items()},
        )


def frame_from_series(
    entity_id: str, index: Sequence[datetime], attributes: Mapping[str, Sequence[Any]]
) -> Frame:
    """A frame for one entity's series (``index`` ascending), tagged with its id."""
    columns: dict[str, list[Any]] = {name: list(values) for name, values in attributes.items()}
    columns[ENTITY] = [entity_id] * len(index)
    return Frame(tuple(index), columns)


def merge_frames(frames: Iterable[Frame]) -> Frame:
    """Several frames as one, rows ordered by time (stable for equal times)."""
    parts = [f for f in frames if len(f)]
    if not parts:
        return Frame()
    if len(parts) == 1:
        return parts[0]
    names = list(dict.fromkeys(name for f in parts for name in f.columns))
    order = sorted(
        ((moment, part, row) for part, f in enumerate(parts) for row, moment in enumerate(f.times)),
        key=lambda item: item[0],
    )
    full = [{name: f.column(name) for name in names} for f in parts]
    times = tuple(moment for moment, _, _ in order)
    columns = {name: [full[part][name][row] for _, part, row in order] for name in names}
    return Frame(times, columns)
