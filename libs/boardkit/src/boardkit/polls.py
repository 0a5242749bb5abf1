"""What every viewer of one cached window receives, worked out once per cache entry.

Within one poll interval all viewers of a tenant's view read the same cached frames, and
most of them hold the same cursor (they saw the same previous answer), so their answers
are identical. A :class:`PreparedView` holds, for one set of cached frames and one view
of them (tenant theme, timezone, settings, selection, window): the merged frame, its
traces, the full figure and the new points after each cursor asked for so far. The
:class:`PollMemo` keeps prepared views while their frames are the cache's current ones.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from boardkit.frames import Frame, merge_frames
from boardkit.memo import Recent
from boardkit.views import LiveView, Trace, ViewContext, extension

# Different cursors seen for one prepared view; viewers normally hold one or two.
_MAX_STEPS = 16


@dataclass(frozen=True, slots=True)
class Step:
    """A poll's answer for one cursor: nothing new, the points to append, or a redraw."""

    new_points: int
    extend: list[Any] | None = None
    last: str | None = None

    @property
    def redraw(self) -> bool:
        """New points arrived that cannot be appended (new trace, or the view asks)."""
        return self.new_points > 0 and self.extend is None


@dataclass(slots=True)
class PreparedView:
    """One view of one set of cached frames; builders run at most once per piece."""

    view: LiveView
    vctx: ViewContext
    frame: Frame
    max_points: int
    _traces: list[Trace] | None = None
    _figure: dict[str, Any] | None = None
    _steps: dict[tuple[Any, tuple[str, ...]], Step] = field(default_factory=dict)

    def traces(self) -> list[Trace]:
        """The window's traces (the board's pure builder, run once)."""
        if self._traces is None:
            self._traces = self.view.traces(self.frame, self.vctx)
        return self._traces

    def figure(self, revision: str) -> dict[str, Any]:
        """The full figure as plain JSON-ready data, with ``uirevision`` set."""
        if self._figure is None:
            figure = self.view.figure(self.traces(), self.vctx)
            figure.update_layout(uirevision=revision)
            self._figure = figure.to_plotly_json()
        return self._figure

    def step(self, last: Any, keys: Sequence[str]) -> Step:
        """What a viewer whose newest point is ``last`` (ISO string) and whose traces are
        ``keys`` is missing."""
        memo_key = (last if isinstance(last, str) else None, tuple(str(k) for k in keys))
        known = self._steps.get(memo_key)
        if known is None:
            known = self._step(_parse_time(last), memo_key[1])
            if len(self._steps) >= _MAX_STEPS:
                self._steps.pop(next(iter(self._steps)))
            self._steps[memo_key] = known
        return known

    def _step(self, known: datetime | None, keys: tuple[str, ...]) -> Step:
        new = self.frame.after(known)
        if not len(new):
            return Step(0)
        if self.view.needs_redraw is not None and self.view.needs_redraw(self.frame, new):
            return Step(len(new))
        ext = extension(keys, self.traces(), self.view.traces(new, self.vctx), self.max_points)
        if ext is None:
            return Step(len(new))
        last = new.last_time.isoformat() if new.last_time is not None else None
        return Step(len(new), ext.as_prop(), last)


class PollMemo:
    """Prepared views by view key, each valid while its frames are the cached ones and
    for at most one poll interval (bounded; the least recently used go first)."""

    def __init__(self, max_entries: int = 256) -> None:
        self._entries: Recent[Hashable, tuple[float, tuple[Frame, ...], PreparedView]] = Recent(
            max_entries
        )

    def prepared(
        self,
        key: Hashable,
        frames: Sequence[Frame],
        view: LiveView,
        vctx: ViewContext,
        max_points: int,
        ttl: float,
    ) -> PreparedView:
        """The prepared view for ``key`` over exactly these frame objects."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if (
            entry is not None
            and entry[0] > now
            and len(entry[1]) == len(frames)
            and all(a is b for a, b in zip(entry[1], frames, strict=True))
        ):
            return entry[2]
        prepared = PreparedView(view, vctx, merge_frames(frames), max_points)
        self._entries.put(key, (now + ttl, tuple(frames), prepared))
        return prepared

    def __len__(self) -> int:
        return len(self._entries)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    # The kit only ever sends aware times; a naive one cannot be compared with the frame's.
    return moment if moment.tzinfo is not None else None
