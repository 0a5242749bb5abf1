"""The route cache's freshness, stale fallback, invalidation and shared misses."""

from __future__ import annotations

import asyncio

import pytest
from gateway.errors import RegistryUnavailable
from gateway.registry_client import RegistryError
from gateway.route_cache import RouteCache
from gateway.routes import RouteTable, TenantInfo


class Registry:
    """Answers from a dict, or fails when told to; counts the calls."""

    def __init__(self) -> None:
        self.tables: dict[str, RouteTable] = {}
        self.down = False
        self.calls = 0
        self.gate: asyncio.Event | None = None

    async def fetch(self, tenant: str) -> RouteTable | None:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.down:
            raise RegistryError("down")
        return self.tables.get(tenant)

    def add(self, slug: str) -> RouteTable:
        table = RouteTable(
            tenant=TenantInfo(slug=slug, display_name=slug, fiware_service=slug.lower())
        )
        self.tables[slug.lower()] = table
        return table


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def registry() -> Registry:
    return Registry()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(registry: Registry, clock: Clock) -> RouteCache:
    return RouteCache(registry.fetch, ttl=5, stale_limit=60, clock=clock)


async def test_answers_are_reused_within_the_ttl_and_case_insensitive(
    cache: RouteCache, registry: Registry, clock: Clock
) -> None:
    table = registry.add("Acme")
    assert await cache.get("acme") is table
    assert await cache.get("ACME") is table
    assert registry.calls == 1
    clock.now += 6
    assert await cache.get("acme") is table
    assert registry.calls == 2


async def test_unknown_tenants_are_remembered_too(cache: RouteCache, registry: Registry) -> None:
    assert await cache.get("ghost") is None
    assert await cache.get("ghost") is None
    assert registry.calls == 1


async def test_known_answers_survive_an_outage_until_the_stale_limit(
    cache: RouteCache, registry: Registry, clock: Clock
) -> None:
    table = registry.add("acme")
    await cache.get("acme")
    registry.down = True
    clock.now += 30
    assert await cache.get("acme") is table
    with pytest.raises(RegistryUnavailable):
        await cache.get("newcomer")
    clock.now += 31
    with pytest.raises(RegistryUnavailable):
        await cache.get("acme")


async def test_invalidation_forgets_one_tenant_or_all(
    cache: RouteCache, registry: Registry
) -> None:
    registry.add("a")
    registry.add("b")
    await cache.get("a")
    await cache.get("b")
    cache.invalidate("A")
    await cache.get("a")
    await cache.get("b")
    assert registry.calls == 3
    cache.invalidate("*")
    await cache.get("b")
    assert registry.calls == 4


async def test_concurrent_misses_share_one_registry_call(
    cache: RouteCache, registry: Registry
) -> None:
    table = registry.add("acme")
    registry.gate = asyncio.Event()
    waiting = [asyncio.create_task(cache.get("acme")) for _ in range(5)]
    await asyncio.sleep(0)
    registry.gate.set()
    assert await asyncio.gather(*waiting) == [table] * 5
    assert registry.calls == 1


async def test_an_answer_overtaken_by_a_change_notice_is_not_kept(
    cache: RouteCache, registry: Registry
) -> None:
    registry.add("acme")
    registry.gate = asyncio.Event()
    pending = asyncio.create_task(cache.get("acme"))
    await asyncio.sleep(0)
    cache.invalidate("acme")
    registry.gate.set()
    await pending
    await cache.get("acme")
    assert registry.calls == 2


async def test_made_up_tenant_names_cannot_grow_the_cache_past_its_bound(
    registry: Registry, clock: Clock
) -> None:
    cache = RouteCache(registry.fetch, ttl=5, stale_limit=60, max_entries=100, clock=clock)
    acme = registry.add("acme")
    for index in range(30_000):
        await cache.get(f"ghost{index}")
        if index % 50 == 0:
            # A tenant in use stays cached: the least recently used go first.
            assert await cache.get("acme") is acme
    assert len(cache) == 100
    calls = registry.calls
    assert await cache.get("acme") is acme
    assert registry.calls == calls


async def test_after_a_lost_notice_stale_routes_still_cover_a_registry_outage(
    cache: RouteCache, registry: Registry
) -> None:
    table = registry.add("acme")
    await cache.get("acme")
    cache.invalidate("*")
    registry.down = True
    assert await cache.get("acme") is table


async def test_subscribers_hear_of_invalidated_and_changed_tenants(
    cache: RouteCache, registry: Registry, clock: Clock
) -> None:
    heard: list[str] = []
    cache.on_change(heard.append)
    registry.add("acme")
    registry.add("globex")
    await cache.get("acme")
    await cache.get("globex")

    cache.invalidate("ACME")
    assert heard == ["acme"]

    # Refreshed after the TTL: unchanged routes are not news, a disabled tenant is.
    del registry.tables["globex"]
    clock.now += 6
    await cache.get("acme")
    await cache.get("globex")
    assert heard == ["acme", "globex"]


async def test_a_failing_subscriber_does_not_stop_invalidation(
    cache: RouteCache, registry: Registry
) -> None:
    heard: list[str] = []

    def broken(_tenant: str) -> None:
        raise RuntimeError("subscriber bug")

    cache.on_change(broken)
    cache.on_change(heard.append)
    registry.add("acme")
    await cache.get("acme")
    del registry.tables["acme"]
    cache.invalidate("acme")
    assert heard == ["acme"]
    assert await cache.get("acme") is None
