"""The generator following the registry's tenant list: new tenants fed, gone ones stopped."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

import httpx
from ngsi import FiwareContext
from sim.config import Settings
from sim.generator.runner import Generator
from sim.generator.tenants import RegistryTenants, Target


class _Recorder:
    """Stands in for both NGSI clients and records which service/path each write used."""

    def __init__(self) -> None:
        self.written: list[tuple[str, str]] = []

    async def notify(self, ctx: FiwareContext, entities: list[Any]) -> None:
        self.written.append((ctx.service, ctx.service_path))

    async def update(self, ctx: FiwareContext, entities: list[Any], **_: Any) -> None:
        self.written.append((ctx.service, ctx.service_path))

    async def list_subscriptions(self, ctx: FiwareContext) -> list[dict[str, Any]]:
        return []


class _Registry:
    """A registry whose ``GET /v1/tenants`` answer the test changes (or breaks)."""

    def __init__(self) -> None:
        self.tenants: list[dict[str, str]] = []
        self.down = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/tenants"
        if self.down:
            return httpx.Response(503, json={"status": "unavailable"})
        return httpx.Response(200, content=json.dumps({"tenants": self.tenants}))

    def add(self, slug: str, service: str, path: str = "/") -> None:
        self.tenants.append({"slug": slug, "fiware_service": service, "service_path": path})


def _ticks(registry: _Registry, steps: list[Any]) -> list[set[tuple[str, str]]]:
    """Run one tick per step (each step first changes the registry); the targets written."""

    async def run() -> list[set[tuple[str, str]]]:
        transport = httpx.MockTransport(registry.handle)
        async with httpx.AsyncClient(base_url="http://registry", transport=transport) as http:
            recorder: Any = _Recorder()
            settings = Settings(registry_url="http://registry", registry_poll=0.001)
            generator = Generator(settings, recorder, recorder, tenants=RegistryTenants(http))
            seen = []
            for step in steps:
                step()
                await asyncio.sleep(0.002)
                recorder.written.clear()
                await generator.tick()
                seen.append(set(recorder.written))
            return seen

    return asyncio.run(run())


def test_new_tenants_are_fed_in_their_own_service_and_removed_ones_stop() -> None:
    registry = _Registry()
    registry.add("demo", "demo")

    seen = _ticks(
        registry,
        [
            lambda: None,
            lambda: registry.add("Acme", "ACME_Milling", "/plant"),
            lambda: registry.tenants.pop(0),
        ],
    )

    assert seen[0] == {("demo", "/")}
    assert seen[1] == {("demo", "/"), ("acme_milling", "/plant")}
    assert seen[2] == {("acme_milling", "/plant")}


def test_an_unreadable_registry_keeps_feeding_the_known_tenants() -> None:
    registry = _Registry()
    registry.add("demo", "demo")

    def break_it() -> None:
        registry.down = True

    seen = _ticks(registry, [lambda: None, break_it])

    assert seen == [{("demo", "/")}, {("demo", "/")}]


def test_tenants_sharing_a_service_are_fed_once() -> None:
    registry = _Registry()
    registry.add("a", "shared")
    registry.add("b", "Shared")

    (seen,) = _ticks(registry, [lambda: None])

    assert seen == {("shared", "/")}


def test_without_a_registry_the_fixed_list_is_fed() -> None:
    async def run() -> list[Target]:
        recorder: Any = _Recorder()
        settings = Settings(tenants="demo,Other", service_path="/x")
        generator = Generator(settings, recorder, recorder)
        await generator.tick()
        return list(generator.feeds)

    assert asyncio.run(run()) == [Target("demo", "/x"), Target("other", "/x")]


def test_tenants_are_sent_spread_over_the_interval_each_stamped_when_sent() -> None:
    class Timed(_Recorder):
        def __init__(self) -> None:
            super().__init__()
            self.sent: list[tuple[float, str]] = []

        async def notify(self, ctx: FiwareContext, entities: list[Any]) -> None:
            self.sent.append((time.monotonic(), entities[0]["TimeInstant"]["value"]))

    async def run() -> list[tuple[float, str]]:
        recorder: Any = Timed()
        settings = Settings(tenants="a,b,c,d", interval=0.4, ticks=2)
        assert await Generator(settings, recorder, recorder).run() == 2
        return recorder.sent

    sent = asyncio.run(run())

    assert len(sent) == 8
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(sent)]
    # A tenant every interval / 4, not four at once: no burst of every factory together.
    assert all(0.08 <= gap <= 0.2 for gap in gaps), gaps
    # Each tenant's points carry the moment they were sent, not the tick's first moment.
    assert len({stamp for _, stamp in sent}) == 8
