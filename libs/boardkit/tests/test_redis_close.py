"""A board service stops even when closing its Redis connections hangs."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest
from boardkit.metrics import BoardMetrics
from boardkit.push_share import ReplicaShare
from boardkit.shared_cache import close_redis

REDIS_URL = os.environ.get("DAZZLER_BOARDKIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


class _StuckClose:
    """A connection whose close never finishes (redis/redis-py#3941)."""

    def __init__(self) -> None:
        self.asked = False

    async def aclose(self) -> None:
        self.asked = True
        await asyncio.Event().wait()


class _BrokenClose:
    async def aclose(self) -> None:
        raise ConnectionResetError("the server went first")


async def test_a_close_that_hangs_is_given_up_and_said(caplog: pytest.LogCaptureFixture) -> None:
    stuck = _StuckClose()
    with caplog.at_level(logging.WARNING, logger="boardkit.cache"):
        await asyncio.wait_for(close_redis(stuck, seconds=0.05), 10)  # type: ignore[arg-type]
    assert stuck.asked
    assert "left unclosed" in caplog.text


async def test_a_close_that_fails_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="boardkit.cache"):
        await close_redis(_BrokenClose())  # type: ignore[arg-type]
    assert caplog.text == ""


async def test_sharing_stops_even_when_its_pubsub_will_not_close(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("boardkit.shared_cache.CLOSE_SECONDS", 0.05)

    async def nothing(_channel: str, _message: dict[str, object]) -> None:
        return None

    share = ReplicaShare(
        REDIS_URL, BoardMetrics(), timeout=1.0, lease_seconds=1.0, retry_seconds=0.5,
        deliver=nothing, channels=lambda: [],
    )  # fmt: skip
    await share.listen("dazzler:push:test-close")
    stuck = _StuckClose()
    real = share._pubsub
    monkeypatch.setattr(real, "aclose", stuck.aclose)
    try:
        with caplog.at_level(logging.WARNING, logger="boardkit.cache"):
            await asyncio.wait_for(share.close(), 10)
        assert stuck.asked
        assert "left unclosed" in caplog.text
    finally:
        await real.connection.disconnect(nowait=True)
