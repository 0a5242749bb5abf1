"""Listening for registry changes on Redis and dropping the cached routes they touch."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

import redis.asyncio as redis
from redis.exceptions import RedisError

CHANNEL = "dazzler:registry:changes"
_log = logging.getLogger("gateway.invalidation")


class ChangeListener:
    """Subscribes to ``dazzler:registry:changes`` and reconnects by itself.

    After any reconnect every cached tenant is dropped: notices sent while the
    connection was down are lost.
    """

    def __init__(
        self,
        redis_url: str,
        invalidate: Callable[[str], None],
        *,
        retry_delay: float = 0.5,
        max_retry_delay: float = 5.0,
    ) -> None:
        self._redis_url = redis_url
        self._invalidate = invalidate
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self.subscribed = asyncio.Event()

    async def run(self) -> None:
        """Listen until cancelled."""
        delay = self._retry_delay
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                _log.warning("registry change channel lost: %r", exc)
            if self.subscribed.is_set():
                delay = self._retry_delay
            self.subscribed.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_retry_delay)

    async def _listen(self) -> None:
        client = redis.Redis.from_url(self._redis_url, socket_connect_timeout=2)
        try:
            async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(CHANNEL)
                self._invalidate("*")
                self.subscribed.set()
                while True:
                    message = await pubsub.get_message(timeout=30.0)
                    if message is not None:
                        self._handle(message.get("data"))
        finally:
            await client.aclose()

    def _handle(self, data: object) -> None:
        try:
            payload = json.loads(data) if isinstance(data, (bytes, str)) else None
            tenant = payload.get("tenant") if isinstance(payload, dict) else None
        except ValueError:
            tenant = None
        # An unreadable notice still means something changed.
        self._invalidate(tenant if isinstance(tenant, str) and tenant else "*")
