from __future__ import annotations

import asyncio
import uuid

import pytest
from boardkit import CachedFailure, Frame, MemoryCache, RedisCache
from boardkit.metrics import BoardMetrics


def _counter(frame: Frame):
    calls = {"n": 0}

    async def fetch() -> Frame:
        calls["n"] += 1
        await asyncio.sleep(0.05)
        return frame

    return calls, fetch


async def test_concurrent_misses_make_one_query(make_frame):
    cache = MemoryCache(BoardMetrics())
    calls, fetch = _counter(make_frame("a", [1.0]))
    frames = await asyncio.gather(*(cache.get("k", 5, fetch) for _ in range(50)))
    assert calls["n"] == 1
    assert all(f.column("v") == [1.0] for f in frames)
    await cache.get("k", 5, fetch)
    assert calls["n"] == 1


async def test_failures_are_cached_for_the_interval():
    cache = MemoryCache(BoardMetrics())
    calls = {"n": 0}

    async def broken() -> Frame:
        calls["n"] += 1
        raise ConnectionError("down")

    with pytest.raises(CachedFailure):
        await cache.get("k", 5, broken)
    with pytest.raises(CachedFailure):
        await cache.get("k", 5, broken)
    assert calls["n"] == 1


async def test_memory_cache_is_bounded(make_frame):
    cache = MemoryCache(BoardMetrics(), max_entries=10)
    _, fetch = _counter(make_frame("a", [1.0]))
    for i in range(30):
        await cache.get(f"k{i}", 5, fetch)
    assert len(cache) == 10


@pytest.mark.integration
async def test_redis_cache_shares_one_query_between_replicas(make_frame):
    prefix = uuid.uuid4().hex
    first, second = (RedisCache("redis://127.0.0.1:6379/0", BoardMetrics()) for _ in range(2))
    calls, fetch = _counter(make_frame("a", [1.0, 2.0]))
    try:
        frames = await asyncio.gather(
            *(c.get(prefix, 5, fetch) for c in (first, second) for _ in range(10))
        )
        assert calls["n"] == 1
        assert all(f.column("v") == [1.0, 2.0] for f in frames)
        assert await first.ping()
    finally:
        await first.close()
        await second.close()
