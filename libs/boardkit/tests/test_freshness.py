"""Freshness: a viewer polling every interval gets each new point on the first poll after
it arrived, while all viewers together still cost one query per interval."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from boardkit import Frame, MemoryCache, RedisCache, frame_from_series
from boardkit.cache import interval_end
from boardkit.metrics import BoardMetrics

INTERVAL = 5.0
START = 1_700_000_001.3  # a moment in the middle of an interval, as a page load would be


class Clock:
    """Epoch seconds, moved by the test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Source:
    """A QuantumLeap stand-in receiving one point every interval, half an interval after
    the viewer's polls (the phase at which pairs used to appear)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.queries = 0

    async def fetch(self) -> Frame:
        self.queries += 1
        arrived = int((self.clock.now - START + INTERVAL / 2) // INTERVAL) + 1
        base = datetime.fromtimestamp(START, UTC)
        times = [base + timedelta(seconds=INTERVAL * i) for i in range(arrived)]
        return frame_from_series("urn:x:1", times, {"v": [float(i) for i in range(arrived)]})


# A browser timer fires a few milliseconds early or late.
JITTER = [0.0, -0.004, 0.003, -0.002, -0.001, 0.004, -0.003, 0.0, -0.004, 0.002]


async def _points_per_poll(cache: MemoryCache | RedisCache, clock: Clock, key: str) -> list[int]:
    source = Source(clock)
    seen: list[int] = []
    for tick, jitter in enumerate(JITTER):
        clock.now = START + tick * INTERVAL + jitter
        seen.append(len(await cache.get(key, INTERVAL, source.fetch)))
    return seen


async def test_every_poll_after_new_data_returns_it() -> None:
    clock = Clock(START)
    seen = await _points_per_poll(MemoryCache(BoardMetrics(), clock=clock), clock, "k")
    assert seen == list(range(1, len(JITTER) + 1))


async def test_many_viewers_cost_one_query_per_interval() -> None:
    clock = Clock(START)
    cache = MemoryCache(BoardMetrics(), clock=clock)
    source = Source(clock)
    for tick in range(6):
        # Twenty viewers whose timers fire anywhere within the interval.
        for viewer in range(20):
            clock.now = START - 1.2 + tick * INTERVAL + viewer * INTERVAL / 20
            await cache.get("k", INTERVAL, source.fetch)
    assert source.queries == 6


@pytest.mark.integration
async def test_redis_entries_end_with_their_interval(private_redis) -> None:
    import redis.asyncio as aioredis

    cache = RedisCache(private_redis.url, BoardMetrics())
    client = aioredis.Redis.from_url(private_redis.url)
    source = Source(Clock(START))
    try:
        before = time.time()
        await cache.get("fresh", INTERVAL, source.fetch)
        remaining_ms = await client.pttl("dazzler:board:window:fresh")
    finally:
        await cache.close()
        await client.aclose()
    assert 0 < remaining_ms <= (interval_end(before, INTERVAL) - before) * 1000 + 5
