"""The generator loop: each tick, every tenant's entities go to QL and/or Orion via `ngsi`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from ngsi import AsyncOrionClient, AsyncQuantumLeapClient, FiwareContext, NgsiError

from sim.config import Settings
from sim.generator.entities import TenantFeed
from sim.generator.tenants import FixedTenants, RegistryTenants, Target, TenantSource

log = logging.getLogger(__name__)

SUBSCRIPTION_DESCRIPTION = "dazzler-sim: every entity to QuantumLeap"
# Orion's subtree marker: the subscription then sees every service path of the tenant.
WHOLE_TREE = "/#"


def catch_all_subscription(notify_url: str) -> dict[str, Any]:
    """The per-tenant subscription that forwards every entity change to QL's notify URL."""
    return {
        "description": SUBSCRIPTION_DESCRIPTION,
        "subject": {"entities": [{"idPattern": ".*"}]},
        "notification": {
            "http": {"url": notify_url},
            "metadata": ["dateCreated", "dateModified"],
        },
    }


def _is_catch_all(subscription: dict[str, Any], notify_url: str) -> bool:
    notification = subscription.get("notification") or {}
    target = notification.get("http") or notification.get("httpCustom") or {}
    selectors = (subscription.get("subject") or {}).get("entities") or []
    return target.get("url") == notify_url and any(
        s.get("idPattern") == ".*" and "type" not in s and "typePattern" not in s for s in selectors
    )


class Generator:
    """Feeds every tenant once per tick; a failed send is logged and retried next tick."""

    def __init__(
        self,
        settings: Settings,
        ql: AsyncQuantumLeapClient,
        orion: AsyncOrionClient,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        tenants: TenantSource | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.ql = ql
        self.orion = orion
        self.clock = clock
        self.tenants = tenants or FixedTenants(settings.tenant_list, settings.service_path)
        self.monotonic = monotonic
        self.feeds: dict[Target, TenantFeed] = {}
        self._refreshed_at: float | None = None
        self._subscribed: set[str] = set()
        self.ticks_done = 0
        self.failures = 0

    async def refresh_tenants(self) -> None:
        """Start feeding new tenants and stop feeding those no longer listed."""
        targets = await self.tenants.targets()
        self._refreshed_at = self.monotonic()
        if targets is None:
            return
        for gone in set(self.feeds) - set(targets):
            del self.feeds[gone]
            log.info("tenant %s%s: no longer listed, stopped", gone.service, gone.service_path)
        for target in targets:
            if target not in self.feeds:
                self.feeds[target] = TenantFeed(target.service, self.settings.seed)
                log.info("tenant %s%s: feeding", target.service, target.service_path)

    def _refresh_due(self) -> bool:
        return (
            self._refreshed_at is None
            or self.monotonic() - self._refreshed_at >= self.settings.registry_poll
        )

    async def ensure_subscription(self, tenant: str) -> None:
        """Make the tenant's catch-all subscription exist in orion mode, and not in ql
        mode: one left by an earlier orion-mode run would also forward to QL what ql mode
        keeps in Orion only (insights, current state)."""
        if tenant in self._subscribed:
            return
        ctx = FiwareContext(service=tenant, service_path=WHOLE_TREE)
        url = self.settings.notify_url
        ours = [s for s in await self.orion.list_subscriptions(ctx) if _is_catch_all(s, url)]
        if self.settings.mode == "orion" and not ours:
            sub_id = await self.orion.create_subscription(ctx, catch_all_subscription(url))
            log.info("tenant %s: created subscription %s to %s", tenant, sub_id, url)
        elif self.settings.mode != "orion":
            for subscription in ours:
                await self.orion.delete_subscription(ctx, str(subscription["id"]))
                log.info("tenant %s: deleted subscription %s (ql mode)", tenant, subscription["id"])
        self._subscribed.add(tenant)

    async def _deliver(self, target: Target, feed: TenantFeed, moment: datetime) -> None:
        series, current = feed.tick(moment)
        ctx = FiwareContext(service=target.service, service_path=target.service_path)
        if self.settings.mode == "orion":
            await self.ensure_subscription(feed.tenant)
            await self.orion.update(ctx, [*series, *current], action_type="append")
            return
        # Insights live in Orion only: the insight board reads current state. Telemetry's
        # current state is in Orion too, as devices' is in production (monitor cards).
        await self.ql.notify(ctx, series)
        await self.ensure_subscription(feed.tenant)
        await self.orion.update(ctx, [*current, *feed.telemetry.latest], action_type="append")

    async def tick(self, over: float = 0.0, stop: asyncio.Event | None = None) -> None:
        """Send one tick of data for every tenant (learning the tenants first when due),
        the tenants spread evenly over ``over`` seconds: factories do not send in step,
        and a burst of every tenant at once would be no one's real load."""
        if self._refresh_due():
            await self.refresh_tenants()
        feeds = list(self.feeds.items())
        began = self.monotonic()
        for index, (target, feed) in enumerate(feeds):
            wait = began + index * over / len(feeds) - self.monotonic()
            if wait > 0 and await _stopped(stop, wait):
                return
            try:
                # Stamped as it is sent: the lag from send to screen is what the bench
                # measures.
                await self._deliver(target, feed, self.clock())
            except (NgsiError, httpx.HTTPError) as exc:
                self.failures += 1
                log.warning("tenant %s: send failed, retrying next tick: %s", feed.tenant, exc)

    async def run(self, stop: asyncio.Event | None = None) -> int:
        """Tick every `interval` seconds until `ticks` are done or `stop` is set."""
        stop = stop or asyncio.Event()
        start = self.ticks_done
        interval = self.settings.interval
        while not stop.is_set():
            began = self.monotonic()
            await self.tick(over=interval, stop=stop)
            self.ticks_done += 1
            if self.settings.ticks is not None and self.ticks_done - start >= self.settings.ticks:
                break
            await _stopped(stop, max(0.0, began + interval - self.monotonic()))
        return self.ticks_done - start


async def _stopped(stop: asyncio.Event | None, seconds: float) -> bool:
    """Wait ``seconds``; whether ``stop`` was set meanwhile."""
    if stop is None:
        await asyncio.sleep(seconds)
        return False
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


async def run_generator(settings: Settings, stop: asyncio.Event | None = None) -> Generator:
    """Build the HTTP clients and run the generator; returns it (ticks done, failures)."""
    timeout = httpx.Timeout(settings.timeout)
    async with contextlib.AsyncExitStack() as clients:
        ql_http = await clients.enter_async_context(
            httpx.AsyncClient(base_url=settings.ql_url, timeout=timeout)
        )
        orion_http = await clients.enter_async_context(
            httpx.AsyncClient(base_url=settings.orion_url, timeout=timeout)
        )
        tenants: TenantSource | None = None
        if settings.registry_url:
            registry_http = await clients.enter_async_context(
                httpx.AsyncClient(base_url=settings.registry_url, timeout=timeout)
            )
            tenants = RegistryTenants(registry_http)
        generator = Generator(
            settings, AsyncQuantumLeapClient(ql_http), AsyncOrionClient(orion_http), tenants=tenants
        )
        following = (
            f"the tenants of {settings.registry_url}"
            if settings.registry_url
            else ", ".join(settings.tenant_list)
        )
        log.info(
            "generating for %s every %ss (mode %s)", following, settings.interval, settings.mode
        )
        await generator.run(stop)
        return generator
