"""The push hub: one poller per series, the same bytes to every viewer, a bounded queue
per viewer, catching up after a reconnect, source outages, replicas sharing pollers
through the real Redis, and Orion's change notifications (the simulator's Orion
stand-in over real HTTP) asking for new rows at once."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from boardkit import push_hub
from boardkit.frames import Frame
from boardkit.metrics import BoardMetrics
from boardkit.push_events import points_event
from boardkit.push_hub import PushHub, SeriesSpec
from boardkit.push_notify import NotifyEndpoint
from boardkit.push_subscriptions import NOTIFY_PREFIX, OrionSubject
from boardkit.push_viewer import Viewer
from dazzler_stack import LocalStack
from ngsi import AsyncOrionClient, FiwareContext

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


# --- Orion notifications -------------------------------------------------------------

# While notified, QuantumLeap is polled this rarely: a frame that arrives within a few
# seconds came from a notification.
SLOW_POLL = 20.0


@pytest.fixture(scope="module")
def orion_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The simulator's Orion stand-in, as a process of its own."""
    work = tmp_path_factory.mktemp("orion")
    with LocalStack(["sim"], database_url="", migrate=False, log_dir=work) as stack:
        yield stack.url("sim", "orion")


class NotifyServer:
    """The notification endpoint in front of hubs, served on a real port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.hubs: list[PushHub] = []
        self.metrics = BoardMetrics()

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        # Each replica has its own address in production; here the token finds the hub.
        token = scope["path"].removeprefix(NOTIFY_PREFIX)
        hub = next((h for h in self.hubs if h.watch_for(token)), self.hubs[0])
        await NotifyEndpoint(_not_found, hub, self.metrics)(scope, receive, send)


async def _not_found(_scope: Any, _receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@pytest.fixture
async def notify_server() -> AsyncIterator[NotifyServer]:
    server = NotifyServer()
    config = uvicorn.Config(
        server.app, host="127.0.0.1", port=server.port, log_level="warning", interface="asgi3"
    )
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    await until(lambda: running.started)
    try:
        yield server
    finally:
        running.should_exit = True
        await task


@pytest.fixture
async def orion(orion_url: str) -> AsyncIterator[AsyncOrionClient]:
    async with httpx.AsyncClient(base_url=orion_url, timeout=5) as http:
        yield AsyncOrionClient(http)


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while True:
            if condition():
                return
            await asyncio.sleep(0.02)


def orion_hub(server: NotifyServer, client: AsyncOrionClient, **overrides: Any) -> PushHub:
    options: dict[str, Any] = {
        "poll_seconds": 0.2,
        "notify_url": server.url,
        "orion": lambda: client,
        "notified_poll_seconds": SLOW_POLL,
    }
    made = hub(**{**options, **overrides})
    server.hubs.append(made)
    return made


def watched(source: Source, tenant: str) -> SeriesSpec:
    subject = OrionSubject(FiwareContext(service=tenant), "T", source.name)
    return replace(source.spec(), subject=subject)


def stamp(moment: datetime) -> dict[str, Any]:
    return {"type": "DateTime", "value": moment.isoformat().replace("+00:00", "Z")}


async def change(client: AsyncOrionClient, tenant: str, name: str, moment: datetime) -> None:
    """The measurement's way in: an update of the entity in Orion."""
    entity = {"id": name, "type": "T", "v": {"type": "Number", "value": 1}}
    await client.update(FiwareContext(service=tenant), [{**entity, "TimeInstant": stamp(moment)}])


async def watching(
    push: PushHub, orion: AsyncOrionClient, source: Source, tenant: str
) -> tuple[Viewer, dict[str, Any]]:
    """A viewer of ``source``, once its feed's subscription is in Orion."""
    viewer = await push.subscribe([watched(source, tenant)], None)
    await received(viewer, "state")
    (subscription,) = await subscriptions(orion, tenant, 1)
    return viewer, subscription


async def subscriptions(client: AsyncOrionClient, tenant: str, count: int) -> list[Any]:
    """Orion's subscriptions of ``tenant`` once there are ``count`` of them."""
    async with asyncio.timeout(10):
        while True:
            found = await client.list_subscriptions(FiwareContext(service=tenant))
            if len(found) == count:
                return found
            await asyncio.sleep(0.05)


# Starts the simulator's Orion stand-in as a process.
@pytest.mark.integration
async def test_a_change_notified_by_orion_is_pushed_at_once_and_the_subscription_ends_with_the_feed(
    notify_server: NotifyServer, orion: AsyncOrionClient, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(push_hub, "_LINGER_SECONDS", 0.3)
    tenant = f"push_{secrets.token_hex(4)}"
    source = Source()
    push = orion_hub(notify_server, orion)
    try:
        viewer, subscription = await watching(push, orion, source, tenant)
        url = subscription["notification"]["http"]["url"]
        assert url.startswith(notify_server.url + NOTIFY_PREFIX)
        assert subscription["subject"]["entities"] == [{"id": source.name, "type": "T"}]
        assert subscription["expires"]
        await change(orion, tenant, source.name, source.start)  # the entity now exists
        for _ in range(3):
            sent = source.add()  # QuantumLeap has the row ...
            began = time.monotonic()
            await change(orion, tenant, source.name, sent)  # ... and Orion tells the board
            assert point_times(await received(viewer, "points")) == [ms(sent)]
            assert time.monotonic() - began < SLOW_POLL / 4
        # Orion notifies QuantumLeap and the board at once: the board asks again until
        # QuantumLeap has the notified row.
        upcoming = source.start + timedelta(seconds=len(source.times))
        began = time.monotonic()
        await change(orion, tenant, source.name, upcoming)
        await asyncio.sleep(0.3)
        assert source.add() == upcoming
        assert point_times(await received(viewer, "points")) == [ms(upcoming)]
        assert time.monotonic() - began < SLOW_POLL / 4
        assert push.metrics.push_subscriptions._value.get() == 1
        assert notify_server.metrics.push_notifications.labels("ok")._value.get() >= 4
        push.leave(viewer)
        await subscriptions(orion, tenant, 0)
        assert push.metrics.push_subscriptions._value.get() == 0
    finally:
        await push.close()


# Starts the simulator's Orion stand-in as a process.
@pytest.mark.integration
async def test_two_replicas_hold_one_subscription_per_series(
    notify_server: NotifyServer, orion: AsyncOrionClient
):
    tenant = f"push_{secrets.token_hex(4)}"
    source = Source()
    one = orion_hub(notify_server, orion, redis_url=REDIS_URL)
    two = orion_hub(notify_server, orion, redis_url=REDIS_URL)
    try:
        here = await one.subscribe([watched(source, tenant)], None)
        there = await two.subscribe([watched(source, tenant)], None)
        await received(here, "state")
        await received(there, "state")
        await subscriptions(orion, tenant, 1)
        await change(orion, tenant, source.name, source.start)
        sent = source.add()
        await change(orion, tenant, source.name, sent)
        assert point_times(await received(here, "points")) == [ms(sent)]
        assert point_times(await received(there, "points")) == [ms(sent)]
        assert await subscriptions(orion, tenant, 1)
    finally:
        await one.close()
        await two.close()
    await subscriptions(orion, tenant, 0)


# Starts the simulator's Orion stand-in as a process.
@pytest.mark.integration
async def test_what_is_not_a_notification_of_a_live_subscription_is_refused_and_asks_nothing(
    notify_server: NotifyServer, orion: AsyncOrionClient
):
    tenant = f"push_{secrets.token_hex(4)}"
    source = Source()
    push = orion_hub(notify_server, orion)
    try:
        _viewer, subscription = await watching(push, orion, source, tenant)
        url = subscription["notification"]["http"]["url"]
        good = {"data": [{"id": source.name, "type": "T"}]}
        mine = {"Fiware-Service": tenant}
        # Notified once: from now on the series is asked for only when notified.
        await change(orion, tenant, source.name, source.start)
        await asyncio.sleep(0.3)
        asked = source.queries
        async with httpx.AsyncClient(timeout=5) as http:
            refused = {
                "GET": await http.get(url, headers=mine),
                "unknown token": await http.post(url + "x", json=good, headers=mine),
                "other tenant": await http.post(url, json=good, headers={"Fiware-Service": "x"}),
                "no tenant": await http.post(url, json=good),
                "not JSON": await http.post(url, content=b"{", headers=mine),
                "no data": await http.post(url, json={"data": "x"}, headers=mine),
                "not entities": await http.post(url, json={"data": [1]}, headers=mine),
                "too large": await http.post(url, content=b" " * 70_000, headers=mine),
            }
            statuses = {name: answer.status_code for name, answer in refused.items()}
            assert statuses == {
                "GET": 405,
                "unknown token": 404,
                "other tenant": 404,
                "no tenant": 404,
                "not JSON": 400,
                "no data": 400,
                "not entities": 400,
                "too large": 413,
            }
            for answer in refused.values():
                assert set(answer.json()) == {"detail", "code"}
            await asyncio.sleep(0.3)
            assert source.queries == asked
            assert (await http.post(url, json=good, headers=mine)).status_code == 204
        await until(lambda: source.queries > asked)
    finally:
        await push.close()


async def test_while_orion_is_unreachable_series_are_polled_as_without_it(
    notify_server: NotifyServer, caplog: pytest.LogCaptureFixture
):
    async with httpx.AsyncClient(base_url="http://127.0.0.1:1", timeout=0.5) as http:
        source = Source()
        push = orion_hub(notify_server, AsyncOrionClient(http), poll_seconds=TICK)
        try:
            viewer = await push.subscribe([watched(source, "nowhere")], None)
            await received(viewer, "state")
            for _ in range(3):
                sent = source.add()
                assert point_times(await received(viewer, "points")) == [ms(sent)]
            assert push.metrics.push_subscriptions._value.get() == 0
        finally:
            await push.close()
    warned = [r for r in caplog.records if "Orion subscriptions fail" in r.getMessage()]
    assert len(warned) == 1
