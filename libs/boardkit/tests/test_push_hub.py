"""The push hub: one poller per series, the same bytes to every viewer, a bounded queue
per viewer, catching up after a reconnect, source outages, and replicas sharing pollers
through the real Redis."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from boardkit.frames import Frame
from boardkit.metrics import BoardMetrics
from boardkit.push_events import points_event
from boardkit.push_hub import PushHub, SeriesSpec, Viewer

REDIS_URL = os.environ.get("DAZZLER_BOARDKIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
TICK = 0.02


class Source:
    """A series whose rows the test appends; counts the queries made of it."""

    def __init__(self, name: str = "urn:x:1", rows: int = 3) -> None:
        self.name = name
        self.key = ("svc", "/", "live", str(uuid.uuid4()), name)
        self.start = datetime.now(UTC) - timedelta(seconds=30)
        self.times: list[datetime] = []
        self.queries = 0
        self.failing = False
        for _ in range(rows):
            self.add()

    def add(self) -> datetime:
        moment = self.start + timedelta(seconds=len(self.times))
        self.times.append(moment)
        return moment

    async def newer(self, after: datetime | None) -> Frame:
        self.queries += 1
        if self.failing:
            raise ConnectionError("QuantumLeap does not answer")
        times = self.times[-1:] if after is None else [t for t in self.times if t > after]
        return Frame(tuple(times), {"v": [t.second for t in times]})

    def encode(self, rows: Frame) -> bytes:
        trace = {"key": "k", "columns": {"x": [t.isoformat() for t in rows.times]}}
        return points_event(self.name, list(rows.times), [trace])

    def spec(self) -> SeriesSpec:
        return SeriesSpec(self.key, self.name, self.newer, self.encode)


def hub(**overrides: Any) -> PushHub:
    options: dict[str, Any] = {
        "poll_seconds": TICK,
        "queue_frames": 64,
        "replay_seconds": 120.0,
    }
    options.update(overrides)
    return PushHub(BoardMetrics(), **options)


def events(raw: bytes | None) -> list[tuple[str, dict[str, Any]]]:
    """``(event name, data)`` of each event in ``raw``."""
    found = []
    for block in (raw or b"").decode().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            found.append((lines["event"], json.loads(lines["data"])))
    return found


_unread: dict[int, list[tuple[str, dict[str, Any]]]] = {}


async def received(viewer: Viewer, kind: str, count: int = 1) -> list[dict[str, Any]]:
    """The next ``count`` events of ``kind`` the viewer gets (events of other kinds
    before them are skipped; those after them are kept for the next call)."""
    got: list[dict[str, Any]] = []
    unread = _unread.setdefault(id(viewer), [])
    async with asyncio.timeout(5):
        while len(got) < count:
            if not unread:
                chunk = await viewer.next(1.0)
                assert chunk != b"", "the stream ended"
                unread += events(chunk)
                continue
            name, data = unread.pop(0)
            if name == kind:
                got.append(data)
    return got


def point_times(frames: list[dict[str, Any]]) -> list[int]:
    return [stamp for frame in frames for stamp in frame["t"]]


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


async def test_one_poller_per_series_and_one_encoding_for_every_viewer():
    source = Source()
    push = hub()
    try:
        viewers = [await push.subscribe([source.spec()], None) for _ in range(50)]
        assert push.metrics.push_feeds._value.get() == 1
        for viewer in viewers:
            assert [name for name, _ in events(await viewer.next(1.0))] == ["state"]
        sent = source.add()
        chunks = {await viewer.next(1.0) for viewer in viewers}
        # The same bytes for all fifty, made once.
        assert len(chunks) == 1
        assert point_times([d for _, d in events(chunks.pop())]) == [ms(sent)]
        assert push.metrics.push_frames._value.get() == 1
    finally:
        await push.close()


async def test_a_slow_viewer_gets_one_reset_instead_of_a_backlog_and_delays_no_one():
    source = Source()
    push = hub(queue_frames=3)
    try:
        slow = await push.subscribe([source.spec()], None)
        quick = await push.subscribe([source.spec()], None)
        await received(quick, "state")
        for _ in range(6):
            sent = source.add()
            frames = await received(quick, "points")
            assert point_times(frames) == [ms(sent)]
        assert [name for name, _ in events(await slow.next(1.0))] == ["reset"]
        assert await slow.next(1.0) == b""  # and its stream ends: the page redraws
    finally:
        await push.close()


async def test_a_reconnecting_viewer_gets_exactly_what_it_missed():
    source = Source()
    push = hub()
    try:
        first = await push.subscribe([source.spec()], None)
        sent = [source.add() for _ in range(3)]
        while point_times(await received(first, "points"))[-1] != ms(sent[-1]):
            pass
        again = await push.subscribe([source.spec()], sent[0])
        frames = await received(again, "points")
        assert point_times(frames) == [ms(t) for t in sent[1:]]
        # Older than what the ring holds: one query brings it back, shared.
        asked = source.queries
        older = await push.subscribe([source.spec()], source.times[0])
        assert point_times(await received(older, "points", 2)) == [ms(t) for t in source.times[1:]]
        assert source.queries <= asked + 2
    finally:
        await push.close()


async def test_a_gap_older_than_the_replay_horizon_gets_a_reset():
    source = Source()
    push = hub(replay_seconds=5.0)
    try:
        viewer = await push.subscribe([source.spec()], source.start - timedelta(minutes=5))
        assert [d["reason"] for d in await received(viewer, "reset")] == ["too-old"]
    finally:
        await push.close()


async def test_a_failing_source_is_reported_once_and_recovers_by_itself():
    source = Source()
    push = hub()
    try:
        viewer = await push.subscribe([source.spec()], None)
        assert (await received(viewer, "state"))[0]["state"] == "live"
        source.failing = True
        down = await received(viewer, "state")
        assert down[0]["state"] == "source-down"
        assert "ConnectionError" in down[0]["detail"]
        source.failing = False
        sent = source.add()
        assert (await received(viewer, "state"))[0]["state"] == "live"
        assert point_times(await received(viewer, "points")) == [ms(sent)]
    finally:
        await push.close()


async def test_two_replicas_share_one_poller_per_series_through_redis():
    source = Source()
    one = hub(redis_url=REDIS_URL, poll_seconds=0.05)
    two = hub(redis_url=REDIS_URL, poll_seconds=0.05)
    try:
        here = await one.subscribe([source.spec()], None)
        there = await two.subscribe([source.spec()], None)
        await received(here, "state")
        await received(there, "state")
        for _ in range(5):
            sent = source.add()
            assert point_times(await received(here, "points")) == [ms(sent)]
            assert point_times(await received(there, "points")) == [ms(sent)]
        # One replica polled every tick; the other asked once, to learn where the series
        # stood when its first viewer came, and was handed every new point since.
        assert sorted([one.queries, two.queries])[0] == 1
        assert sorted([one.queries, two.queries])[1] >= 5
        assert one.metrics.push_shared._value.get() == 1
    finally:
        await one.close()
        await two.close()


async def test_without_redis_each_replica_polls_for_itself_and_viewers_lose_nothing():
    source = Source()
    push = hub(redis_url="redis://127.0.0.1:1/0", redis_timeout=0.2)
    try:
        viewer = await push.subscribe([source.spec()], None)
        await received(viewer, "state")
        sent = source.add()
        assert point_times(await received(viewer, "points")) == [ms(sent)]
        assert push.metrics.push_shared._value.get() == 0
    finally:
        await push.close()
