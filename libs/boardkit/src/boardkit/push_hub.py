"""The push hub: one poller per watched series, the same bytes written to every viewer.

A :class:`Feed` exists per series while someone watches it (and a short while after, so
a reconnecting page is caught up from memory). Its poller asks the series for rows newer
than the newest it has, at ``push_poll_seconds``, encodes them once as an event and
offers the bytes to each viewer's bounded queue. A short ring of recent frames lets a
reconnecting viewer (``after``) receive exactly what it missed.

With Redis, replicas share each series: the poller runs where a lease is held (``SET NX
PX``, renewed each tick) and publishes the new rows; every replica (the holder too)
encodes and fans them out to its own viewers. Redis unreachable: every replica polls for
itself (logged once), and viewers lose nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from boardkit.frames import Frame
from boardkit.metrics import BoardMetrics
from boardkit.push_events import reset_event, state_event

_log = logging.getLogger("boardkit.push")
_REDIS_DOWN = (aioredis.RedisError, OSError, TimeoutError)
_PREFIX = "dazzler:push:"
# A feed nobody watches stays this long, so a page that reconnects (a board restart, a
# tab shown again) is caught up from memory instead of redrawn.
_LINGER_SECONDS = 15.0
_MAX_RING = 2000


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """One watchable series of one tenant's board.

    ``key`` identifies the feed (everything its events depend on); ``name`` is the series
    as clients name it. ``newer(after)`` returns the rows strictly newer than ``after``
    (``None``: the newest row only); ``encode(rows)`` the event for them.
    """

    key: tuple[str, ...]
    name: str
    newer: Callable[[datetime | None], Awaitable[Frame]]
    encode: Callable[[Frame], bytes]


class Viewer:
    """One open stream: a bounded queue of event bytes, newest wins.

    When the queue is full the backlog is dropped for one ``reset`` and the stream ends
    after it: the page redraws and reconnects, so it never shows a gap.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._queue: deque[bytes] = deque()
        self._wake = asyncio.Event()
        self.ending = False
        self.feeds: list[Feed] = []

    def offer(self, chunk: bytes, series: str) -> None:
        """Queue ``chunk`` (never waits)."""
        if self.ending:
            return
        if len(self._queue) >= self._limit:
            self._queue.clear()
            self._queue.append(reset_event(series, "overflow"))
            self.ending = True
        else:
            self._queue.append(chunk)
        self._wake.set()

    def close(self) -> None:
        """The client left: end at once."""
        self._queue.clear()
        self.ending = True
        self._wake.set()

    def end(self, chunk: bytes) -> None:
        """Send ``chunk`` after what is queued, then end the stream."""
        if not self.ending:
            self._queue.append(chunk)
            self.ending = True
            self._wake.set()

    async def next(self, idle: float) -> bytes | None:
        """Everything queued, as one write; ``b""`` once the stream must end; ``None``
        after ``idle`` seconds of nothing (time for a heartbeat)."""
        if not self._queue:
            if self.ending:
                return b""
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), idle)
            if not self._queue:
                return b"" if self.ending else None
        chunks = b"".join(self._queue)
        self._queue.clear()
        return chunks


@dataclass(slots=True)
class _Kept:
    """One frame in the ring: its rows (to re-encode a part) and the bytes sent."""

    newest: datetime
    rows: Frame
    chunk: bytes


@dataclass(eq=False, slots=True)
class Feed:
    """One series' poller, ring and viewers in this process."""

    hub: PushHub
    spec: SeriesSpec
    channel: str
    viewers: set[Viewer] = field(default_factory=set)
    ring: deque[_Kept] = field(default_factory=deque)
    last: datetime | None = None
    coverage: datetime | None = None
    """Every row newer than this is in the ring (None: nothing is known yet)."""
    primed: bool = False
    down: str = ""
    task: asyncio.Task[None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def prime(self, after: datetime | None) -> None:
        """Learn where the series stands before the first viewer joins: from its
        ``after``, unless that is past the replay horizon (then it gets a reset)."""
        horizon = datetime.now(UTC) - timedelta(seconds=self.hub.replay_seconds)
        if after is not None and after >= horizon:
            self.last = self.coverage = after
        else:
            try:
                rows = await self.hub.query(self.spec, None)
            except Exception as exc:
                self.down = _detail(exc)
            else:
                self.last = self.coverage = rows.last_time
        self.primed = True

    def apply(self, rows: Frame) -> Frame:
        """Take rows (possibly known already): keep, encode once and fan out what is new."""
        rows = rows.after(self.last)
        if not len(rows) or rows.last_time is None:
            return rows
        chunk = self.spec.encode(rows)
        self.last = rows.last_time
        if self.coverage is None:
            self.coverage = rows.times[0] - timedelta(microseconds=1)
        self.ring.append(_Kept(rows.last_time, rows, chunk))
        horizon = datetime.now(UTC) - timedelta(seconds=self.hub.replay_seconds)
        while self.ring and (len(self.ring) > _MAX_RING or self.ring[0].newest < horizon):
            self.coverage = self.ring.popleft().newest
        self.hub.metrics.push_frames.inc()
        for viewer in self.viewers:
            viewer.offer(chunk, self.spec.name)
        return rows

    def set_down(self, detail: str) -> None:
        """Tell viewers the source failed (once per outage) or recovered."""
        if detail == self.down:
            return
        self.down = detail
        chunk = state_event(self.spec.name, "source-down" if detail else "live", detail)
        for viewer in self.viewers:
            viewer.offer(chunk, self.spec.name)

    async def catch_up(self, viewer: Viewer, after: datetime | None) -> None:
        """Join ``viewer``, first giving it every row newer than ``after``."""
        horizon = datetime.now(UTC) - timedelta(seconds=self.hub.replay_seconds)
        if after is not None and after < horizon and (self.last is None or after < self.last):
            viewer.end(reset_event(self.spec.name, "too-old"))
            return
        if after is not None and self.coverage is not None and after < self.coverage:
            async with self.lock:
                await self._backfill(after)
        # From here to the end nothing awaits: no frame can slip between replay and join.
        viewer.offer(
            state_event(self.spec.name, "source-down" if self.down else "live", self.down),
            self.spec.name,
        )
        if after is not None and (self.coverage is None or after >= self.coverage):
            for kept in self.ring:
                if kept.newest <= after:
                    continue
                part = kept.rows.after(after)
                chunk = kept.chunk if len(part) == len(kept.rows) else self.spec.encode(part)
                viewer.offer(chunk, self.spec.name)
        elif after is not None:
            viewer.end(reset_event(self.spec.name, "too-old"))
            return
        self.viewers.add(viewer)
        viewer.feeds.append(self)

    async def _backfill(self, after: datetime) -> None:
        """Extend the ring back to ``after`` with one query (shared by the viewers who
        reconnect together)."""
        if self.coverage is None or after >= self.coverage:
            return
        try:
            rows = (await self.hub.query(self.spec, after)).after(after)
        except Exception as exc:
            self.set_down(_detail(exc))
            return
        older = rows.until(self.coverage)
        if len(older) and older.last_time is not None:
            self.ring.appendleft(_Kept(older.last_time, older, self.spec.encode(older)))
        self.coverage = after

    async def run(self) -> None:
        """Poll while watched (or lingering), as the lease holder or alone."""
        idle_since: float | None = None
        interval = self.hub.poll_seconds
        while True:
            if self.viewers:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > _LINGER_SECONDS:
                break
            if await self.hub.holds_lease(self):
                await self._poll()
            await asyncio.sleep(interval)
        self.hub.drop(self)

    async def _poll(self) -> None:
        try:
            rows = (await self.hub.query(self.spec, self.last)).after(self.last)
        except Exception as exc:
            detail = _detail(exc)
            self.set_down(detail)
            await self.hub.publish(self, {"down": detail})
            return
        if self.down:
            self.set_down("")
            await self.hub.publish(self, {"down": ""})
        previous = self.last
        fresh = self.apply(rows)
        if len(fresh):
            prev = previous.isoformat() if previous is not None else None
            await self.hub.publish(self, {"prev": prev, "frame": fresh.to_json()})

    async def remote(self, message: dict[str, Any]) -> None:
        """A frame or state another replica's poller published."""
        if "down" in message:
            self.set_down(str(message["down"]))
            return
        prev = message.get("prev")
        rows = Frame.from_json(message["frame"])
        if prev is not None and self.last is not None and datetime.fromisoformat(prev) > self.last:
            # Rows between ours and the publisher's previous newest never reached us (we
            # joined late, or the lease moved): fetch them here, once.
            try:
                rows = await self.hub.query(self.spec, self.last)
            except Exception as exc:
                self.set_down(_detail(exc))
                return
        self.apply(rows)


def _detail(exc: BaseException) -> str:
    return f"Data source unavailable ({type(exc).__name__}) — retrying."


class PushHub:
    """Every feed of this process; with ``redis_url``, shared across replicas."""

    def __init__(
        self,
        metrics: BoardMetrics,
        *,
        poll_seconds: float,
        queue_frames: int,
        replay_seconds: float,
        redis_url: str = "",
        redis_timeout: float = 0.5,
    ) -> None:
        self.metrics = metrics
        self.poll_seconds = poll_seconds
        self.queue_frames = queue_frames
        self.replay_seconds = replay_seconds
        self.me = f"{os.getpid()}-{os.urandom(4).hex()}"
        self._feeds: dict[tuple[str, ...], Feed] = {}
        self._redis: aioredis.Redis | None = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._redis_down = False
        if redis_url:
            self._redis = aioredis.Redis.from_url(
                redis_url,
                socket_timeout=redis_timeout,
                socket_connect_timeout=redis_timeout,
                retry=Retry(NoBackoff(), 0),
            )
        self.queries = 0

    @property
    def shared(self) -> bool:
        """Whether replicas currently share pollers through Redis."""
        return self._redis is not None and not self._redis_down

    async def query(self, spec: SeriesSpec, after: datetime | None) -> Frame:
        """One QL query for ``spec`` (counted)."""
        self.queries += 1
        try:
            rows = await spec.newer(after)
        except Exception as exc:
            self.metrics.ql_calls.labels(type(exc).__name__).inc()
            raise
        self.metrics.ql_calls.labels("ok").inc()
        return rows

    async def subscribe(self, specs: list[SeriesSpec], after: datetime | None) -> Viewer:
        """A viewer of ``specs``, caught up from ``after``."""
        viewer = Viewer(self.queue_frames)
        for spec in specs:
            feed = self._feeds.get(spec.key)
            if feed is None:
                channel = _PREFIX + hashlib.sha1(json.dumps(spec.key).encode()).hexdigest()
                feed = self._feeds[spec.key] = Feed(self, spec, channel)
                self.metrics.push_feeds.set(len(self._feeds))
                async with feed.lock:
                    await feed.prime(after)
                await self._listen(feed)
                feed.task = asyncio.create_task(feed.run())
            elif not feed.primed:
                async with feed.lock:
                    pass
            await feed.catch_up(viewer, after)
        self.metrics.push_streams.inc()
        return viewer

    def leave(self, viewer: Viewer) -> None:
        """The stream closed."""
        for feed in viewer.feeds:
            feed.viewers.discard(viewer)
        viewer.feeds.clear()
        self.metrics.push_streams.dec()

    def drop(self, feed: Feed) -> None:
        """A feed nobody watched for a while ends."""
        if self._feeds.get(feed.spec.key) is feed:
            del self._feeds[feed.spec.key]
        self.metrics.push_feeds.set(len(self._feeds))
        if self._pubsub is not None and self.shared:
            task = asyncio.ensure_future(self._unlisten(feed.channel))
            task.add_done_callback(lambda _t: None)

    # Sharing through Redis -----------------------------------------------------------

    def _went_down(self, exc: BaseException) -> None:
        if not self._redis_down:
            _log.warning(
                "Redis unreachable (%s): every replica polls its own series until it is back",
                type(exc).__name__,
            )
        self._redis_down = True
        self.metrics.push_shared.set(0)

    def _came_back(self) -> None:
        if self._redis_down:
            _log.info("Redis reachable again: replicas share their series pollers")
        self._redis_down = False
        self.metrics.push_shared.set(1)

    async def holds_lease(self, feed: Feed) -> bool:
        """Whether this replica polls ``feed`` now (always, without shared Redis)."""
        if self._redis is None:
            return True
        key = feed.channel + ":lease"
        ms = int(max(3 * self.poll_seconds, 2.0) * 1000)
        try:
            if await self._redis.set(key, self.me, nx=True, px=ms):
                taken = True
            else:
                holder = await self._redis.get(key)
                taken = holder in (self.me, self.me.encode())
                if taken:
                    await self._redis.pexpire(key, ms)
            if self._redis_down or self._pubsub is None:
                await self._ensure_pubsub()
                if self._pubsub is not None:
                    await self._pubsub.subscribe(*[f.channel for f in self._feeds.values()])
        except _REDIS_DOWN as exc:
            self._went_down(exc)
            return True
        self._came_back()
        return taken

    async def publish(self, feed: Feed, message: dict[str, Any]) -> None:
        """Share what the holder found with the other replicas."""
        if self._redis is None or self._redis_down:
            return
        try:
            await self._redis.publish(feed.channel, json.dumps({"from": self.me, **message}))
        except _REDIS_DOWN as exc:
            self._went_down(exc)

    async def _ensure_pubsub(self) -> None:
        if self._pubsub is None and self._redis is not None:
            self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            # redis-py refuses to read before the first subscription.
            await self._pubsub.subscribe(_PREFIX + "hello")
            self._reader = asyncio.create_task(self._read())

    async def _listen(self, feed: Feed) -> None:
        if self._redis is None:
            return
        try:
            await self._ensure_pubsub()
            await self._pubsub.subscribe(feed.channel)
        except _REDIS_DOWN as exc:
            self._went_down(exc)

    async def _unlisten(self, channel: str) -> None:
        with contextlib.suppress(*_REDIS_DOWN):
            await self._pubsub.unsubscribe(channel)

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except _REDIS_DOWN as exc:
                self._went_down(exc)
                await asyncio.sleep(self.poll_seconds)
                continue
            except RuntimeError:
                await asyncio.sleep(self.poll_seconds)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"]
            channel = channel.decode() if isinstance(channel, bytes) else str(channel)
            body = json.loads(message["data"])
            if body.get("from") == self.me:
                continue
            for feed in list(self._feeds.values()):
                if feed.channel == channel:
                    await feed.remote(body)

    async def close(self) -> None:
        """Stop every poller and the Redis connection."""
        tasks = [f.task for f in self._feeds.values() if f.task is not None]
        if self._reader is not None:
            tasks.append(self._reader)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._feeds.clear()
        if self._pubsub is not None:
            with contextlib.suppress(*_REDIS_DOWN):
                await self._pubsub.aclose()
        if self._redis is not None:
            with contextlib.suppress(*_REDIS_DOWN):
                await self._redis.aclose()
