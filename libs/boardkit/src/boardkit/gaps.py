"""Holes in a series: where points are missing, a line must stop instead of drawing
straight across the hole as if it had been measured.

A hole is a step between two points much longer than the series' usual step; a ``None``
point in the middle of it makes Plotly break the line (``connectgaps`` is off by default).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

HOLE_FACTOR = 3.0
"""A step this many times the usual step (the median) is a hole."""


def with_gaps(
    times: Sequence[datetime], columns: Mapping[str, Sequence[Any]]
) -> tuple[list[datetime], dict[str, list[Any]]]:
    """``times`` and ``columns`` with a ``None`` point in the middle of every hole."""
    out_times: list[datetime] = list(times[:1])
    out: dict[str, list[Any]] = {name: list(values[:1]) for name, values in columns.items()}
    if len(times) < 3:
        return list(times), {name: list(values) for name, values in columns.items()}
    steps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    usual = statistics.median(steps)
    for i in range(1, len(times)):
        if usual > 0 and steps[i - 1] > HOLE_FACTOR * usual:
            out_times.append(times[i - 1] + (times[i] - times[i - 1]) / 2)
            for values in out.values():
                values.append(None)
        out_times.append(times[i])
        for name, values in out.items():
            values.append(columns[name][i])
    return out_times, out
