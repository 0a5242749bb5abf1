"""Worker fatigue shaped per production line, from raw ``Worker`` series.

Every worker counts once per line: the current fatigue of a line is the mean of its
workers' latest readings, and a line's history averages per-worker minute means, so a
worker who reports more often does not weigh more.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from board_fams.series import SeriesLike, column

UNASSIGNED = "Unassigned"
_URN_PREFIX = "urn:ngsi-ld:Worker:"


@dataclass(frozen=True, slots=True)
class FatigueReading:
    """One fatigue level (0-10) of one worker at one time."""

    worker: str
    at: datetime
    level: float


@dataclass(frozen=True, slots=True)
class LineFatigue:
    """The current fatigue of one line: mean of its workers' latest levels and the spread."""

    line: str
    workers: int
    mean: float
    spread: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class LineHistory:
    """Per-minute mean fatigue of one line; ``values[i]`` is None for a minute without data."""

    line: str
    times: tuple[datetime, ...]
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class FatigueSnapshot:
    """Everything the fatigue panels show, for one moment."""

    connected: int
    lines: tuple[LineFatigue, ...]
    history: tuple[LineHistory, ...]
    notes: tuple[str, ...]

    @property
    def share(self) -> dict[str, int]:
        """Connected workers per line."""
        return {line.line: line.workers for line in self.lines}


def line_sort_key(line: str) -> tuple[Any, ...]:
    """Order line names naturally (Line2 before Line10) with the unassigned group last."""
    parts = re.split(r"(\d+)", line)
    key = tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in parts if p)
    return (line == UNASSIGNED, key)


def short_worker_id(entity_id: str) -> str:
    """``urn:ngsi-ld:Worker:7`` → ``7``, for labels and for matching board settings."""
    return entity_id[len(_URN_PREFIX) :] if entity_id.startswith(_URN_PREFIX) else entity_id


def fatigue_level(states: Any) -> float | None:
    """The fatigue level in a ``workerStates`` value, or None when it has none usable.

    Accepts the NGSI form ``{"level": {"value": n}}`` and a bare ``{"level": n}``, which
    older FAMS producers send.
    """
    if not isinstance(states, Mapping):
        return None
    fatigue = states.get("fatigue")
    if not isinstance(fatigue, Mapping):
        return None
    level = fatigue.get("level")
    if isinstance(level, Mapping):
        level = level.get("value")
    if isinstance(level, bool) or not isinstance(level, int | float):
        return None
    value = float(level)
    return value if math.isfinite(value) else None


def worker_readings(
    series_by_worker: Mapping[str, SeriesLike],
) -> tuple[dict[str, list[FatigueReading]], list[str]]:
    """Every usable fatigue reading per worker, oldest first, and notes on what was skipped."""
    readings: dict[str, list[FatigueReading]] = {}
    notes: list[str] = []
    for worker, series in series_by_worker.items():
        found: list[FatigueReading] = []
        skipped = 0
        for at, states in zip(series.index, column(series, "workerStates"), strict=True):
            if states is None:
                continue
            level = fatigue_level(states)
            if level is None:
                skipped += 1
            else:
                found.append(FatigueReading(worker, at, level))
        if skipped:
            notes.append(
                f"Worker {short_worker_id(worker)}: {skipped} reading(s) without a numeric "
                "fatigue level were left out."
            )
        if found:
            found.sort(key=lambda r: r.at)
            readings[worker] = found
    return readings, notes


def assign_lines(
    series_by_worker: Mapping[str, SeriesLike],
    configured: Mapping[str, Any] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Map each worker to its line, and note configuration entries that were unusable.

    A board setting (``worker_lines``, keyed by full or short worker id) is an operator's
    explicit choice and wins; otherwise the worker's latest ``productionLine``; otherwise
    the worker is shown as unassigned rather than guessed.
    """
    notes: list[str] = []
    settings: dict[str, str] = {}
    for key, value in (configured or {}).items():
        if isinstance(value, str) and value.strip():
            settings[str(key)] = value.strip()
        else:
            notes.append(f"Board setting worker_lines[{key!r}] is not a line name; ignored.")
    lines: dict[str, str] = {}
    for worker, series in series_by_worker.items():
        line = settings.get(worker) or settings.get(short_worker_id(worker))
        if line is None:
            reported = [v for v in column(series, "productionLine") if isinstance(v, str)]
            reported = [v.strip() for v in reported if v.strip()]
            line = reported[-1] if reported else UNASSIGNED
        lines[worker] = line
    return lines, notes


def current_fatigue(
    latest: Mapping[str, FatigueReading], lines: Mapping[str, str]
) -> list[LineFatigue]:
    """Mean, spread (population standard deviation), minimum and maximum per line."""
    grouped: dict[str, list[float]] = defaultdict(list)
    for worker, reading in latest.items():
        grouped[lines.get(worker, UNASSIGNED)].append(reading.level)
    return [
        LineFatigue(
            line=line,
            workers=len(levels),
            mean=statistics.fmean(levels),
            spread=statistics.pstdev(levels),
            low=min(levels),
            high=max(levels),
        )
        for line, levels in sorted(grouped.items(), key=lambda kv: line_sort_key(kv[0]))
    ]


def fatigue_history(
    readings: Mapping[str, list[FatigueReading]], lines: Mapping[str, str], tz: tzinfo
) -> list[LineHistory]:
    """Per-minute mean fatigue per line, minutes taken in the tenant's timezone."""
    per_worker: dict[tuple[str, datetime], list[float]] = defaultdict(list)
    for worker, worker_readings_ in readings.items():
        for r in worker_readings_:
            minute = r.at.astimezone(tz).replace(second=0, microsecond=0)
            per_worker[(worker, minute)].append(r.level)
    per_line: dict[str, dict[datetime, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (worker, minute), levels in per_worker.items():
        per_line[lines.get(worker, UNASSIGNED)][minute].append(statistics.fmean(levels))
    minutes = sorted({m for by_minute in per_line.values() for m in by_minute})
    return [
        LineHistory(
            line=line,
            times=tuple(minutes),
            values=tuple(
                statistics.fmean(by_minute[m]) if m in by_minute else None for m in minutes
            ),
        )
        for line, by_minute in sorted(per_line.items(), key=lambda kv: line_sort_key(kv[0]))
    ]


def summarise_fatigue(
    series_by_worker: Mapping[str, SeriesLike],
    *,
    now: datetime,
    tz: tzinfo,
    connected_within: timedelta,
    configured_lines: Mapping[str, Any] | None = None,
) -> FatigueSnapshot:
    """Shape raw ``Worker`` series into what the board shows.

    A worker is connected when its latest reading is at most ``connected_within`` old;
    only connected workers count towards current fatigue and the share per line, while
    the history shows every reading in the series.
    """
    readings, notes = worker_readings(series_by_worker)
    lines, line_notes = assign_lines(series_by_worker, configured_lines)
    latest = {
        worker: rs[-1] for worker, rs in readings.items() if now - rs[-1].at <= connected_within
    }
    return FatigueSnapshot(
        connected=len(latest),
        lines=tuple(current_fatigue(latest, lines)),
        history=tuple(fatigue_history(readings, lines, tz)),
        notes=tuple(line_notes + notes),
    )
