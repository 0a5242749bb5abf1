"""A failed query is classified once, where it is caught: the first viewer and every
viewer served from the cached failure see the same state."""

from __future__ import annotations

import pytest
from boardkit import CachedFailure, Frame, MemoryCache, RedisCache, status_for_error
from boardkit.metrics import BoardMetrics
from ngsi import ApiError, NgsiConnectError


def _failing(exc: Exception):
    calls = {"n": 0}

    async def fetch() -> Frame:
        calls["n"] += 1
        raise exc

    return calls, fetch


async def _statuses(cache: MemoryCache | RedisCache, exc: Exception) -> list[str]:
    calls, fetch = _failing(exc)
    seen = []
    for _viewer in range(3):
        with pytest.raises(CachedFailure) as caught:
            await cache.get("k", 60, fetch)
        status = status_for_error(caught.value)
        seen.append(f"{status.kind}: {status.message}")
    assert calls["n"] == 1
    return seen


async def test_a_refused_query_reads_the_same_to_first_and_later_viewers() -> None:
    seen = await _statuses(MemoryCache(BoardMetrics()), ApiError(400, "BadRequest", "bad attr"))
    assert (
        seen
        == [
            "invalid: The data source refused this query; try another window.",
        ]
        * 3
    )


async def test_an_outage_reads_the_same_to_first_and_later_viewers() -> None:
    seen = await _statuses(MemoryCache(BoardMetrics()), NgsiConnectError("refused"))
    assert len(set(seen)) == 1
    assert seen[0].startswith("unavailable: Data source unavailable")


async def test_a_server_error_is_an_outage_not_a_refusal() -> None:
    seen = await _statuses(MemoryCache(BoardMetrics()), ApiError(503, "Unavailable", ""))
    assert seen[0].startswith("unavailable:")


@pytest.mark.integration
async def test_the_kind_travels_through_redis_to_other_replicas(private_redis) -> None:
    first, second = (RedisCache(private_redis.url, BoardMetrics()) for _ in range(2))
    calls, fetch = _failing(ApiError(422, "Unprocessable", "bad window"))
    try:
        with pytest.raises(CachedFailure) as on_first:
            await first.get("k", 60, fetch)
        with pytest.raises(CachedFailure) as on_second:
            await second.get("k", 60, fetch)
    finally:
        await first.close()
        await second.close()
    assert calls["n"] == 1
    assert status_for_error(on_first.value) == status_for_error(on_second.value)
    assert status_for_error(on_second.value).kind == "invalid"
