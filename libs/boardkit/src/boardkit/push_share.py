"""Replicas sharing push pollers through Redis: one poller per series across the cluster.

Each series has a lease (``SET NX PX``, renewed each tick by its holder) and a pub/sub
channel. The holder polls and publishes what it found; every other replica listens and
hands it to its own viewers. When the holder stops, its lease runs out and the next
replica to ask takes it. Redis unreachable: every replica polls for itself (logged
once; ``dazzler_board_push_shared`` is 0) until it answers again, and viewers lose
nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis

from boardkit.metrics import BoardMetrics
from boardkit.outage_log import OutageLog
from boardkit.shared_cache import CLOSE_SECONDS, close_redis, fail_fast_redis

CHANNEL_PREFIX = "dazzler:push:"
_REDIS_DOWN = (aioredis.RedisError, OSError, TimeoutError)
_log = logging.getLogger("boardkit.push")

Deliver = Callable[[str, dict[str, Any]], Awaitable[None]]


class ReplicaShare:
    """This replica's side of the sharing: leases, publishing, listening."""

    def __init__(
        self,
        url: str,
        metrics: BoardMetrics,
        *,
        timeout: float,
        lease_seconds: float,
        retry_seconds: float,
        deliver: Deliver,
        channels: Callable[[], list[str]],
    ) -> None:
        self._redis = fail_fast_redis(url, timeout)
        self._metrics = metrics
        self._lease_ms = int(lease_seconds * 1000)
        self._retry_seconds = retry_seconds
        self._deliver = deliver
        self._channels = channels
        self._me = f"{os.getpid()}-{os.urandom(4).hex()}"
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._outages = OutageLog(
            _log,
            "Redis unreachable: every replica polls its own series until it is back",
            "Redis reachable again: replicas share their series pollers",
        )

    def _went_down(self, exc: BaseException) -> None:
        self._outages.failed(exc)
        self._metrics.push_shared.set(0)

    def _came_back(self) -> None:
        self._outages.answered()
        self._metrics.push_shared.set(1)

    async def holds_lease(self, channel: str) -> bool:
        """Whether this replica polls the series of ``channel`` now (also whenever Redis
        cannot say)."""
        key = channel + ":lease"
        try:
            if await self._redis.set(key, self._me, nx=True, px=self._lease_ms):
                taken = True
            else:
                holder = await self._redis.get(key)
                taken = holder in (self._me, self._me.encode())
                if taken:
                    await self._redis.pexpire(key, self._lease_ms)
            if self._outages.down or self._pubsub is None:
                await self._ensure_pubsub()
                await self._pubsub.subscribe(*self._channels())
        except _REDIS_DOWN as exc:
            self._went_down(exc)
            return True
        self._came_back()
        return taken

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Hand ``message`` to the other replicas (dropped while Redis is down: they poll
        for themselves then)."""
        if self._outages.down:
            return
        try:
            await self._redis.publish(channel, json.dumps({"from": self._me, **message}))
        except _REDIS_DOWN as exc:
            self._went_down(exc)

    async def listen(self, channel: str) -> None:
        """Receive what other replicas publish on ``channel``."""
        try:
            await self._ensure_pubsub()
            await self._pubsub.subscribe(channel)
        except _REDIS_DOWN as exc:
            self._went_down(exc)

    def unlisten(self, channel: str) -> None:
        """Stop receiving ``channel`` (in the background)."""
        if self._pubsub is None or self._outages.down:
            return
        task = asyncio.ensure_future(self._unsubscribe(channel))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _unsubscribe(self, channel: str) -> None:
        with contextlib.suppress(*_REDIS_DOWN):
            await self._pubsub.unsubscribe(channel)

    async def _ensure_pubsub(self) -> None:
        if self._pubsub is None:
            self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            # redis-py refuses to read before the first subscription.
            await self._pubsub.subscribe(CHANNEL_PREFIX + "hello")
            self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except _REDIS_DOWN as exc:
                self._went_down(exc)
                await asyncio.sleep(self._retry_seconds)
                continue
            except RuntimeError:  # not subscribed (yet again) after an outage
                await asyncio.sleep(self._retry_seconds)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"]
            channel = channel.decode() if isinstance(channel, bytes) else str(channel)
            body = json.loads(message["data"])
            if body.get("from") != self._me:
                await self._deliver(channel, body)

    async def close(self) -> None:
        """Stop listening and close the connections, giving each step at most
        ``CLOSE_SECONDS``: a stuck close must not hold up the service's shutdown."""
        tasks = [*self._pending, *([self._reader] if self._reader is not None else [])]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=CLOSE_SECONDS)
        if self._pubsub is not None:
            await close_redis(self._pubsub)
        await close_redis(self._redis)
