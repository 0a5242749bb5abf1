"""The last accepted intervention, from ``TaskAssignment`` and ``TaskExecution`` series.

The Intervention Manager writes a ``TaskAssignment`` when it moves workers between lines
and a ``TaskExecution`` when it keeps the configuration; whichever was created last is the
intervention in force. Records that cannot be read are skipped and reported, never fatal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from board_fams.series import SeriesLike, column

InterventionKind = Literal["move", "keep", "none"]


@dataclass(frozen=True, slots=True)
class Intervention:
    """What the interventions panel shows."""

    kind: InterventionKind
    created: datetime | None = None
    workers: int | None = None
    from_line: str | None = None
    to_line: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """The sentence a user reads."""
        if self.kind == "move":
            noun = "worker" if self.workers == 1 else "workers"
            return f"Move {self.workers} {noun} from {self.from_line} to {self.to_line}"
        if self.kind == "keep":
            return "Keep the current configuration"
        return "No interventions"


class MalformedRecord(ValueError):
    """A task record lacks a field the panel needs, or holds one it cannot read."""


def parse_creation_timestamp(value: Any) -> datetime:
    """An aware UTC datetime from ISO 8601 text or epoch milliseconds.

    Older producers send epoch milliseconds as a Number; an ISO text without an offset is
    read as UTC, as QuantumLeap does.
    """
    if isinstance(value, bool) or value is None:
        raise MalformedRecord(f"creationTimestamp is {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise MalformedRecord(f"creationTimestamp is {value!r}")
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise MalformedRecord(f"creationTimestamp {value!r} is out of range") from exc
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise MalformedRecord(f"creationTimestamp {value!r} is not ISO 8601") from exc
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    raise MalformedRecord(f"creationTimestamp has type {type(value).__name__}")


def _line_name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MalformedRecord(f"{field} is {value!r}, not a line name")
    return value.strip()


def _worker_count(parameters: Any) -> int:
    if not isinstance(parameters, Mapping):
        raise MalformedRecord("additionalParameters is missing")
    count = parameters.get("numberOfWorkers")
    if isinstance(count, bool) or not isinstance(count, int | float):
        raise MalformedRecord(f"numberOfWorkers is {count!r}")
    if count != int(count) or count < 1:
        raise MalformedRecord(f"numberOfWorkers is {count!r}, not a positive whole number")
    return int(count)


def _assignment(row: Mapping[str, Any]) -> Intervention:
    return Intervention(
        kind="move",
        created=parse_creation_timestamp(row.get("creationTimestamp")),
        workers=_worker_count(row.get("additionalParameters")),
        from_line=_line_name(row.get("oldTask"), "oldTask"),
        to_line=_line_name(row.get("newTask"), "newTask"),
    )


def _execution(row: Mapping[str, Any]) -> Intervention:
    return Intervention(kind="keep", created=parse_creation_timestamp(row.get("creationTimestamp")))


def _rows(series: SeriesLike) -> list[dict[str, Any]]:
    names = list(series.attributes)
    columns = [column(series, name) for name in names]
    return [
        {name: col[i] for name, col in zip(names, columns, strict=True)}
        for i in range(len(series.index))
    ]


def last_intervention(
    assignments: Mapping[str, SeriesLike], executions: Mapping[str, SeriesLike]
) -> Intervention:
    """The newest readable intervention over every entity and row of both types."""
    candidates: list[Intervention] = []
    notes: list[str] = []
    for entity_type, by_entity, read in (
        ("TaskAssignment", assignments, _assignment),
        ("TaskExecution", executions, _execution),
    ):
        for entity_id, series in by_entity.items():
            for row in _rows(series):
                try:
                    candidates.append(read(row))
                except MalformedRecord as exc:
                    notes.append(f"A {entity_type} record of {entity_id} was ignored: {exc}.")
    if not candidates:
        return Intervention(kind="none", notes=tuple(notes))
    newest = max(candidates, key=lambda c: c.created or datetime.min.replace(tzinfo=UTC))
    return Intervention(
        kind=newest.kind,
        created=newest.created,
        workers=newest.workers,
        from_line=newest.from_line,
        to_line=newest.to_line,
        notes=tuple(notes),
    )
