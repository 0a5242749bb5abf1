"""What the push viewers received, kept lean enough for ten thousand of them.

Per viewer and series only counters and the newest point time are kept; lags go into one
shared array. Drops are found by comparison: every viewer of a series gets the same
points, so within the measured window each viewer that was connected throughout must
count as many points of the series as the best-served viewer of it. A point older than or
as old as the newest the viewer already had is a duplicate (the kit sends each point once
and a reconnect asks only for what is newer).
"""

from __future__ import annotations

import asyncio
import math
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Error texts kept per kind: enough to say what went wrong, not a log.
ERROR_SAMPLES = 8


@dataclass(slots=True)
class Track:
    """One viewer's view of one series."""

    key: tuple[str, ...]
    viewer: int = 0
    newest: int = -1
    in_window: int = 0
    connected: bool = False
    # The times counted in ``in_window``, to name the points a short viewer missed.
    seen: array[int] = field(default_factory=lambda: array("q"))


@dataclass(slots=True)
class Window:
    """The measured span, epoch milliseconds (points are judged by their own time)."""

    start_ms: int
    end_ms: int

    def holds(self, t: int) -> bool:
        return self.start_ms <= t < self.end_ms


def percentile(values: Iterable[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(slots=True)
class Ledger:
    """Every viewer's counts, the lags inside the window, errors by kind."""

    window: Window | None = None
    lags_ms: array[float] = field(default_factory=lambda: array("d"))
    frames: int = 0
    points: int = 0
    bytes: int = 0
    duplicates: int = 0
    resets: Counter[str] = field(default_factory=Counter)
    reconnects: int = 0
    states: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: dict[str, list[str]] = field(default_factory=dict)
    page_loads_ms: array[float] = field(default_factory=lambda: array("d"))
    tracks: list[Track] = field(default_factory=list)
    # Tracks connected before the window opened and never re-opened from scratch.
    complete: set[int] = field(default_factory=set)
    # Viewers whose stream opened at least once; ``all_open`` is set once all ``expected`` did.
    expected: int = 0
    streaming: set[int] = field(default_factory=set)
    all_open: asyncio.Event = field(default_factory=asyncio.Event)

    def opened(self, viewer: int) -> None:
        self.streaming.add(viewer)
        if len(self.streaming) >= self.expected:
            self.all_open.set()

    def track(self, key: tuple[str, ...], viewer: int = 0) -> Track:
        made = Track(key, viewer)
        self.tracks.append(made)
        return made

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        samples = self.error_samples.setdefault(kind, [])
        if len(samples) < ERROR_SAMPLES:
            samples.append(detail[:300])

    def reconnect(self, cause: str) -> None:
        self.reconnects += 1
        samples = self.error_samples.setdefault("reconnect", [])
        if len(samples) < ERROR_SAMPLES:
            samples.append(cause[:300])

    def points_frame(
        self,
        track: Track,
        times: list[int],
        received_ms: float,
        live_from_ms: float,
        size: int,
        *,
        dedupe: bool = True,
    ) -> None:
        """A frame of new points: lag of each point newer than the connection (older ones
        are the catch-up after a reconnect, late by design), duplicates, window counts.
        ``dedupe`` off for a panel's ``changed`` notice, which may repeat a reading time."""
        window = self.window
        if window is not None and window.start_ms <= received_ms < window.end_ms:
            self.frames += 1
            self.points += len(times)
            self.bytes += size
        newest = track.newest
        for t in times:
            if t <= newest and dedupe:
                self.duplicates += 1
                continue
            if window is not None and window.holds(t):
                track.in_window += 1
                track.seen.append(t)
                if t >= live_from_ms:
                    self.lags_ms.append(received_ms - t)
        if times and times[-1] > newest:
            track.newest = times[-1]

    def merge(self, other: Ledger) -> None:
        """Add what another generator process measured (its viewers are not ours)."""
        offset = len(self.tracks)
        self.tracks.extend(other.tracks)
        self.complete.update(index + offset for index in other.complete)
        self.lags_ms.extend(other.lags_ms)
        self.page_loads_ms.extend(other.page_loads_ms)
        self.frames += other.frames
        self.points += other.points
        self.bytes += other.bytes
        self.duplicates += other.duplicates
        self.reconnects += other.reconnects
        self.resets.update(other.resets)
        self.states.update(other.states)
        self.errors.update(other.errors)
        for kind, texts in other.error_samples.items():
            kept = self.error_samples.setdefault(kind, [])
            kept.extend(texts[: max(0, ERROR_SAMPLES - len(kept))])
        self.expected += other.expected
        self.streaming.update(other.streaming)

    def drops(self) -> int:
        """Points some viewer of a series got inside the window and another did not."""
        best: dict[tuple[str, ...], int] = {}
        for index in self.complete:
            track = self.tracks[index]
            best[track.key] = max(best.get(track.key, 0), track.in_window)
        missing = sum(best[self.tracks[i].key] - self.tracks[i].in_window for i in self.complete)
        return missing + sum(self.resets.values())

    def drops_by_series(self, limit: int = 5) -> dict[str, Any]:
        """Where drops were: per series short of its best-served viewer, how many points
        that one got, and for some viewers short of it how many they got, the time of the
        newest point they had and the first points they missed (a missed last point points
        at a stall, a missed middle one at a loss)."""
        best: dict[tuple[str, ...], Track] = {}
        for index in self.complete:
            track = self.tracks[index]
            known = best.get(track.key)
            if known is None or track.in_window > known.in_window:
                best[track.key] = track
        found: dict[str, Any] = {}
        for index in sorted(self.complete):
            track = self.tracks[index]
            served = best[track.key]
            if track.in_window >= served.in_window:
                continue
            name = "/".join(track.key)
            if name not in found and len(found) >= limit:
                continue
            entry = found.setdefault(name, {"best": served.in_window, "short": []})
            if len(entry["short"]) < 10:
                missed = sorted(set(served.seen) - set(track.seen))[:5]
                entry["short"].append([track.viewer, track.in_window, track.newest, missed])
        return found

    def summary(self) -> dict[str, Any]:
        lags = self.lags_ms
        seconds = (self.window.end_ms - self.window.start_ms) / 1000 if self.window else 0.0
        series = {t.key for t in self.tracks}
        return {
            "frames": self.frames,
            "points": self.points,
            "lag_samples": len(lags),
            "lag_ms": {
                "p50": round(percentile(lags, 0.50), 1),
                "p95": round(percentile(lags, 0.95), 1),
                "p99": round(percentile(lags, 0.99), 1),
                "max": round(max(lags, default=0.0), 1),
            },
            "drops": self.drops(),
            "drops_by_series": self.drops_by_series(),
            "duplicates": self.duplicates,
            "resets": dict(self.resets),
            "reconnects": self.reconnects,
            "states": dict(self.states),
            "errors": sum(self.errors.values()),
            "errors_by_kind": dict(self.errors),
            "error_samples": self.error_samples,
            "bytes": self.bytes,
            "bytes_per_frame": round(self.bytes / self.frames, 1) if self.frames else 0.0,
            "bytes_per_stream_per_s": round(self.bytes / seconds / len(self.complete), 1)
            if seconds and self.complete
            else 0.0,
            "series": len(series),
            "streams_measured": len({self.tracks[i].viewer for i in self.complete}),
            "measured_seconds": seconds,
            "page_load_p95_ms": round(percentile(self.page_loads_ms, 0.95), 1),
        }
