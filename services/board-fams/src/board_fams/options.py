"""The per-tenant board settings the fatigue board reads, validated with visible notes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FamsOptions:
    """``fatigue_limit`` (0-10; or ``thresholds.fatigue_limit``) and ``worker_lines``
    ({worker id: line}) of one tenant."""

    fatigue_limit: float
    worker_lines: dict[str, Any]
    notes: tuple[str, ...]


def read_options(settings: Mapping[str, Any], default_limit: float) -> FamsOptions:
    """The tenant's options; an unusable value falls back to the default and says so."""
    notes: list[str] = []
    limit = default_limit
    raw_limit = settings.get("fatigue_limit")
    thresholds = settings.get("thresholds")
    if raw_limit is None and isinstance(thresholds, Mapping):
        # The registry's generic named limits are an accepted second home for it.
        raw_limit = thresholds.get("fatigue_limit")
    if raw_limit is not None:
        if (
            isinstance(raw_limit, int | float)
            and not isinstance(raw_limit, bool)
            and math.isfinite(raw_limit)
            and 0 <= raw_limit <= 10
        ):
            limit = float(raw_limit)
        else:
            notes.append(
                f"Board setting fatigue_limit {raw_limit!r} is not a number from 0 to 10; "
                f"using {default_limit:g}."
            )
    lines = settings.get("worker_lines")
    worker_lines: dict[str, Any] = {}
    if isinstance(lines, Mapping):
        worker_lines = dict(lines)
    elif lines is not None:
        notes.append("Board setting worker_lines is not a mapping of worker id to line; ignored.")
    return FamsOptions(limit, worker_lines, tuple(notes))
