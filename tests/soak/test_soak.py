"""A bounded soak: viewers poll while new points keep arriving; no request may fail and
no service's memory may keep growing. Short in ``make test``, long with --soak-minutes."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Iterator

import httpx
import pytest
from dazzler_stack import Layout, LocalStack
from ngsi import AsyncQuantumLeapClient, FiwareContext
from reliability_kit import load, processes, tenants

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SERVICES = ["sim", "registry", "board-roughnator", "gateway"]
# Growth allowed between the first and the last third of the run (after warm-up):
# allocators keep some memory, but a leak keeps adding to it.
ALLOWED_GROWTH = 1.25
ALLOWED_SLACK = 15 * 1024 * 1024


@pytest.fixture(scope="module")
def soak_stack() -> Iterator[LocalStack]:
    redis = processes.PrivateRedis()
    name, url = processes.machine_database()
    layout = Layout.free()
    ql, orion = layout.url("sim", "ql"), layout.url("sim", "orion")
    stack = LocalStack(
        SERVICES,
        database_url=url,
        redis_url=redis.url,
        layout=layout,
        env={
            "board-roughnator": {
                "DAZZLER_BOARD_QL_URL": ql,
                "DAZZLER_ROUGHNATOR_QL_URL": ql,
                "DAZZLER_BOARD_ORION_URL": orion,
                "DAZZLER_ROUGHNATOR_ORION_URL": orion,
                "DAZZLER_BOARD_REFRESH_SECONDS": "1",
            },
            "gateway": {"DAZZLER_GATEWAY_CACHE_TTL": "1"},
        },
    )
    try:
        redis.start()
        stack.start()
        tenants.register(stack)
        asyncio.run(tenants.seed(ql))
        yield stack
    finally:
        stack.stop()
        redis.close()
        processes.drop_machine_database(name)


async def _feed(ql_url: str, stop: asyncio.Event) -> int:
    """One new point per entity of each tenant every second, like a live factory."""
    sent = 0
    async with httpx.AsyncClient(base_url=ql_url, timeout=5) as http:
        ql = AsyncQuantumLeapClient(http)
        while not stop.is_set():
            for tenant in tenants.TENANTS:
                entities = [
                    {
                        "id": entity_id,
                        "type": tenants.ENTITY_TYPE,
                        "TimeInstant": {
                            "type": "DateTime",
                            "value": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                        },
                        "roughness": {"type": "Number", "value": tenant.roughness},
                        "acceleration": {"type": "Number", "value": tenant.acceleration},
                    }
                    for entity_id in tenant.entity_ids
                ]
                await ql.notify(FiwareContext(service=tenant.slug), entities)
                sent += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1)
    return sent


async def test_soak_no_failures_and_flat_memory(soak_stack, soak_seconds, soak_recorder) -> None:
    outcome = soak_recorder.start(
        "soak",
        f"{soak_seconds / 60:g} min of live viewing",
        "8 viewers (2 tenants) polling through the gateway while points arrive every second; "
        "RSS of every service sampled from /proc",
        "no failed request; no service's memory keeps growing",
    )
    stop = asyncio.Event()
    feeder = asyncio.create_task(_feed(soak_stack.url("sim", "ql"), stop))
    samples: dict[str, list[int]] = {name: [] for name in SERVICES}
    gateway = soak_stack.url("gateway")
    async with (
        load.polling(gateway, tenants.ACME, viewers=4, pause=0.1) as acme,
        load.polling(gateway, tenants.GLOBEX, viewers=4, pause=0.1) as globex,
    ):
        await acme.wait_for("live", 30)
        warm_until = time.monotonic() + min(10.0, soak_seconds / 4)
        end = time.monotonic() + soak_seconds
        while time.monotonic() < end:
            await asyncio.sleep(1)
            if time.monotonic() < warm_until:
                continue
            for name in SERVICES:
                samples[name].append(processes.rss_bytes(soak_stack.processes[name].pid))
    stop.set()
    sent = await feeder
    answers = acme.all() + globex.all()
    failures = load.failed(answers)
    leaks = [a for a in acme.all() if tenants.leaked(a.body, tenants.GLOBEX)] + [
        a for a in globex.all() if tenants.leaked(a.body, tenants.ACME)
    ]
    growth: dict[str, float] = {}
    growing = []
    for name, series in samples.items():
        third = max(1, len(series) // 3)
        first, last = statistics.median(series[:third]), statistics.median(series[-third:])
        growth[name] = (last - first) / (1024 * 1024)
        if last > first * ALLOWED_GROWTH + ALLOWED_SLACK:
            growing.append(f"{name}: {first / 2**20:.1f} MiB -> {last / 2**20:.1f} MiB")
    outcome.numbers = {
        "requests": len(answers),
        "failed": len(failures),
        "points sent": sent,
        **{f"{name} MiB growth": round(value, 1) for name, value in growth.items()},
    }
    assert len(samples["gateway"]) >= 3
    assert not failures
    assert not leaks
    assert not growing, growing
    outcome.held = True
