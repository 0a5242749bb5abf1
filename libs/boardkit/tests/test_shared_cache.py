from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable

import httpx
import pytest
from boardkit import Board, BoardSettings, Frame, RedisCache, create_board_app
from boardkit.metrics import BoardMetrics
from dazzler_stack.testing import live_outputs, live_update_request
from tenant_context import TenantContext, sign_context

pytestmark = pytest.mark.integration

SECRET = "shared-cache-test-secret-0123"
TTL = 0.3


def _counting(frame: Frame) -> tuple[dict[str, int], Callable[[], object]]:
    calls = {"n": 0}

    async def fetch() -> Frame:
        calls["n"] += 1
        await asyncio.sleep(0.05)
        return frame

    return calls, fetch


async def test_redis_down_falls_back_to_one_query_per_interval_then_back(
    private_redis, make_frame, caplog
) -> None:
    cache = RedisCache(private_redis.url, BoardMetrics(), socket_timeout=0.3, retry_seconds=0.5)
    calls, fetch = _counting(make_frame("a", [1.0]))
    try:
        assert (await cache.get("k", TTL, fetch)).column("v") == [1.0]
        assert private_redis.keys() == 1
        private_redis.kill()
        with caplog.at_level(logging.INFO, logger="boardkit.cache"):
            for interval in (1, 2):
                await asyncio.sleep(TTL + 0.05)  # the shared entry has expired
                frames = await asyncio.gather(*(cache.get("k", TTL, fetch) for _ in range(20)))
                assert all(f.column("v") == [1.0] for f in frames)
                assert calls["n"] == 1 + interval  # one query for all twenty viewers
            assert cache.degraded
            assert await cache.ping()
            assert not await cache.redis_reachable()
            private_redis.start()

            async def shared_again() -> bool:
                await cache.get("k", TTL, fetch)
                return private_redis.keys() > 0

            deadline = time.monotonic() + 10
            while not await shared_again():
                assert time.monotonic() < deadline, "Redis was not used again"
                await asyncio.sleep(0.1)
        assert not cache.degraded
        messages = [r.getMessage() for r in caplog.records if r.name == "boardkit.cache"]
        assert len([m for m in messages if "unreachable" in m]) == 1
        assert len([m for m in messages if "reachable again" in m]) == 1
    finally:
        await cache.close()


async def test_polls_keep_showing_data_while_redis_is_down(
    private_redis, live_board: Callable[..., Board]
) -> None:
    settings = BoardSettings(
        shared_secret=SECRET,
        ql_url="http://127.0.0.1:9",
        redis_url=private_redis.url,
        redis_retry_seconds=0.5,
        refresh_seconds=TTL,
    )
    calls: dict[str, int] = {}
    app = create_board_app(settings, [live_board(calls=calls)], service="board-test")
    context = TenantContext(
        tenant="acme", display_name="Acme", fiware_service="acme", board="live", public_prefix="/"
    )
    await app.runtime.start()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://board") as client:

            async def update(poll: bool, cursor: object) -> dict[str, dict[str, object]]:
                body = live_update_request("live", selection=["urn:x:1"], poll=poll, cursor=cursor)
                answer = await client.post(
                    "/_dash-update-component",
                    content=json.dumps(body),
                    headers={
                        **sign_context(context, SECRET, method="POST", service="board-test"),
                        "Content-Type": "application/json",
                    },
                )
                assert answer.status_code == 200
                return live_outputs(answer.json())

            first = await update(False, None)
            cursor = first["cursor"]["data"]
            assert first["graph"]["figure"]["data"][0]["y"] == [1.0, 2.0, 3.0]
            assert private_redis.keys() > 0
            private_redis.kill()
            kinds = []
            for _ in range(8):
                await asyncio.sleep(0.15)
                kinds.append(str((await update(True, cursor))["status"]["className"]))
            assert all(k.endswith("bk-status-live") for k in kinds), kinds
            readiness = await client.get("/readyz")
            assert readiness.json()["checks"]["redis"] is False
            private_redis.start()
            refilled = False
            deadline = time.monotonic() + 10
            while not refilled and time.monotonic() < deadline:
                await asyncio.sleep(0.15)
                status = (await update(True, cursor))["status"]["className"]
                assert str(status).endswith("bk-status-live")
                refilled = private_redis.keys() > 0
            assert refilled, "the shared cache was not used again"
    finally:
        await app.runtime.stop()
