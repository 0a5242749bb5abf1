"""The bytes of the push stream's events (the wire format is in docs/boards.md,
*Push protocol*)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import orjson

RETRY = b"retry: 2000\n\n"
HEARTBEAT = b": hb\n\n"


def epoch_ms(moment: datetime) -> int:
    """``moment`` in whole epoch milliseconds."""
    return int(moment.timestamp() * 1000)


def event(name: str, data: dict[str, Any], event_id: int | None = None) -> bytes:
    """One server-sent event with a JSON ``data`` line."""
    head = f"event: {name}\n" if event_id is None else f"event: {name}\nid: {event_id}\n"
    return head.encode() + b"data: " + orjson.dumps(data) + b"\n\n"


def points_event(series: str, times: list[datetime], traces: list[dict[str, Any]]) -> bytes:
    """New points of one series, ready for ``extendData``."""
    stamps = [epoch_ms(t) for t in times]
    data = {
        "series": series,
        "t": stamps,
        "traces": traces,
        "last": times[-1].isoformat(),
        "at": int(time.time() * 1000),
    }
    return event("points", data, stamps[-1])


def changed_event(series: str, newest: datetime) -> bytes:
    """A panel source has new data; the page pulls its patch."""
    stamp = epoch_ms(newest)
    data = {"series": series, "t": [stamp], "at": int(time.time() * 1000)}
    return event("changed", data, stamp)


def state_event(series: str, state: str, detail: str = "") -> bytes:
    """The series' source is live or down."""
    return event("state", {"series": series, "state": state, "detail": detail})


def reset_event(series: str, reason: str) -> bytes:
    """The viewer cannot be caught up point by point: it must redraw."""
    return event("reset", {"series": series, "reason": reason})
