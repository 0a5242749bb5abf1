"""A panel source's plain value (an entity's state, a list of ids) in the shared cache.

The cache holds frames; a value travels as a frame without rows whose one reserved
column holds it, so both caches (in-process and Redis) keep it and hand it back as JSON
reads it.
"""

from __future__ import annotations

from typing import Any

from boardkit.frames import Frame

_VALUE = "bk:value"


def value_frame(value: Any) -> Frame:
    """What the cache stores for a source's answer (a frame is stored as it is)."""
    return value if isinstance(value, Frame) else Frame((), {_VALUE: [value]})


def frame_value(frame: Frame) -> Any:
    """The source's answer back from what :func:`value_frame` stored."""
    if not frame.times and _VALUE in frame.columns:
        return frame.columns[_VALUE][0]
    return frame
