"""The push hub: one poller per watched series, the same bytes written to every viewer.

A :class:`Feed` exists per series while someone watches it (and a short while after, so
a reconnecting page is caught up from memory). Its poller asks the series for rows newer
than the newest it has, at ``push_poll_seconds``, encodes them once as an event and
offers the bytes to each viewer's bounded queue. A short ring of recent frames lets a
reconnecting viewer (``after``) receive exactly what it missed.

With Redis, replicas share each series (:mod:`boardkit.push_share`): the poller runs
where the series' lease is held and publishes the new rows; every replica encodes them
and fans them out to its own viewers.

With a notification URL, the poller also subscribes to Orion for its series
(:mod:`boardkit.push_subscriptions`): a notification makes it ask at once, retrying
briefly until QuantumLeap has the notified row, and while notifications keep coming the
regular poll slows to a safety net.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ngsi import AsyncOrionClient

from boardkit.frames import Frame
from boardkit.metrics import BoardMetrics
from boardkit.push_events import reset_event, state_event
from boardkit.push_share import CHANNEL_PREFIX, ReplicaShare
from boardkit.push_subscriptions import OrionSubject, OrionWatch, orion_outages
from boardkit.push_viewer import Viewer, Wakeup
from boardkit.shared_cache import CLOSE_SECONDS

# A feed nobody watches stays this long, so a page that reconnects (a board restart, a
# tab shown again) is caught up from memory instead of redrawn.
_LINGER_SECONDS = 15.0
_MAX_RING = 2000
# After a notification, QuantumLeap is asked again at these pauses until it has the
# notified row (Orion notifies QuantumLeap and this replica at the same moment).
_NOTIFIED_RETRIES = (0.05, 0.1, 0.2, 0.4, 0.8)
# Notifications count as the series' way in while the last came within this many safety
# polls: data that stops coming through Orion is soon polled for at the usual pace again.
_NOTIFIED_POLLS = 3


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
    subject: OrionSubject | None = None
    """Where Orion holds the series' entities (None: the series is only polled)."""


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
    watch: OrionWatch | None = None
    wake: Wakeup = field(default_factory=Wakeup)
    awaited: datetime | None = None
    """The newest notified time QuantumLeap has not shown yet."""
    retries: int = -1
    """How many quick re-asks after a notification were made (-1: none pending)."""

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
        asked = -float("inf")
        try:
            while True:
                if self.viewers:
                    idle_since = None
                elif idle_since is None:
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since > _LINGER_SECONDS:
                    break
                if await self.hub.holds_lease(self):
                    if self.watch is not None:
                        self.watch.start()
                    if self.retries >= 0 or time.monotonic() - asked >= self._interval():
                        asked = time.monotonic()
                        await self._poll()
                        self._after_poke()
                else:
                    # The replica holding the lease polls, and subscribes for itself.
                    self.retries, self.awaited = -1, None
                    if self.watch is not None and self.watch.active:
                        await self.watch.stop()
                await self._rest()
        finally:
            if self.watch is not None:
                await self.watch.stop()
        self.hub.drop(self)

    def _interval(self) -> float:
        hub = self.hub
        slow = max(hub.poll_seconds, hub.notified_poll_seconds)
        if self.watch is not None and self.watch.delivering(_NOTIFIED_POLLS * slow):
            return slow
        return hub.poll_seconds

    async def _rest(self) -> None:
        pause = self.hub.poll_seconds
        if self.retries >= 0:
            pause = min(pause, _NOTIFIED_RETRIES[self.retries])
        await self.wake.wait(pause)

    def poke(self, times: list[datetime]) -> None:
        """Orion says the series changed: ask at once (and again, briefly, until the
        notified row is there)."""
        if self.watch is not None:
            self.watch.notified()
        newest = max(times, default=None)
        if newest is not None and self.last is not None and newest <= self.last:
            return  # already shown
        if newest is not None and (self.awaited is None or newest > self.awaited):
            self.awaited = newest
        self.retries = 0
        self.wake.set()

    def _after_poke(self) -> None:
        if self.retries < 0:
            return
        arrived = self.awaited is None or (self.last is not None and self.last >= self.awaited)
        if arrived or self.retries + 1 >= len(_NOTIFIED_RETRIES):
            # Not there after the last re-ask: the regular poll will find it.
            self.retries, self.awaited = -1, None
        else:
            self.retries += 1

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
        notify_url: str = "",
        orion: Callable[[], AsyncOrionClient] | None = None,
        notified_poll_seconds: float = 5.0,
    ) -> None:
        self.metrics = metrics
        self.poll_seconds = poll_seconds
        self.notified_poll_seconds = notified_poll_seconds
        self._notify_url = notify_url
        self._orion = orion
        self._outages = orion_outages()
        self._notified: dict[str, Feed] = {}
        self.queue_frames = queue_frames
        self.replay_seconds = replay_seconds
        self._feeds: dict[tuple[str, ...], Feed] = {}
        self._share: ReplicaShare | None = None
        if redis_url:
            self._share = ReplicaShare(
                redis_url,
                metrics,
                timeout=redis_timeout,
                lease_seconds=max(3 * poll_seconds, 2.0),
                retry_seconds=poll_seconds,
                deliver=self._deliver,
                channels=lambda: [f.channel for f in self._feeds.values()],
            )
        self.queries = 0

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
                channel = CHANNEL_PREFIX + hashlib.sha1(json.dumps(spec.key).encode()).hexdigest()
                feed = self._feeds[spec.key] = Feed(self, spec, channel)
                self.metrics.push_feeds.set(len(self._feeds))
                self._watch(feed)
                async with feed.lock:
                    await feed.prime(after)
                if self._share is not None:
                    await self._share.listen(feed.channel)
                feed.task = asyncio.create_task(feed.run())
            elif not feed.primed:
                async with feed.lock:
                    pass
            await feed.catch_up(viewer, after)
        self.metrics.push_streams.inc()
        return viewer

    def _watch(self, feed: Feed) -> None:
        subject = feed.spec.subject
        if subject is None or not self._notify_url or self._orion is None:
            return
        feed.watch = OrionWatch(
            subject,
            f"Dazzler push: {feed.spec.name} (renewed while watched)",
            self._notify_url,
            self._orion,
            self.metrics,
            self._outages,
        )
        self._notified[feed.watch.token] = feed

    def watch_for(self, token: str) -> OrionWatch | None:
        """The subscription ``token`` names, while its feed lives."""
        feed = self._notified.get(token)
        return feed.watch if feed is not None else None

    def poke(self, token: str, times: list[datetime]) -> None:
        """Orion notified the subscription ``token`` of entities changed at ``times``."""
        feed = self._notified.get(token)
        if feed is not None:
            feed.poke(times)

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
        if feed.watch is not None:
            self._notified.pop(feed.watch.token, None)
        self.metrics.push_feeds.set(len(self._feeds))
        if self._share is not None:
            self._share.unlisten(feed.channel)

    async def holds_lease(self, feed: Feed) -> bool:
        """Whether this replica polls ``feed`` now (always, without Redis)."""
        return self._share is None or await self._share.holds_lease(feed.channel)

    async def publish(self, feed: Feed, message: dict[str, Any]) -> None:
        """Hand what this replica's poller found to the other replicas."""
        if self._share is not None:
            await self._share.publish(feed.channel, message)

    async def _deliver(self, channel: str, message: dict[str, Any]) -> None:
        for feed in list(self._feeds.values()):
            if feed.channel == channel:
                await feed.remote(message)

    async def close(self) -> None:
        """Stop every poller and the Redis connection."""
        tasks = [f.task for f in self._feeds.values() if f.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            # A poller stuck in a Redis or Orion call must not hold up the shutdown.
            await asyncio.wait(tasks, timeout=CLOSE_SECONDS)
        self._feeds.clear()
        if self._share is not None:
            await self._share.close()
