"""Faults injected while viewers poll through the gateway: what they see, and what it costs.

The tests share one stack and each leaves it whole again, in this order: QuantumLeap,
the registry, Redis, a board replica, PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from reliability_kit import load, processes
from reliability_kit.tenants import ACME

pytestmark = [pytest.mark.integration, pytest.mark.slow]

UNKNOWN = "/dazzler/initech/-/roughnator/"
# Requests that must be answered after a replica is killed; the deadline only stops a
# stack that answers nothing at all. What a kill costs at most is bounded by the
# requests in flight and the connections kept open to it (a few per viewer), so the
# share is judged over enough requests that those alone stay under the target.
AFTER_KILL = 1200
AFTER_KILL_DEADLINE = 180.0


async def _status(url: str) -> int:
    async with httpx.AsyncClient(timeout=5) as client:
        try:
            return (await client.get(url)).status_code
        except httpx.HTTPError:
            return 0


async def test_quantumleap_outage_shows_unavailable_then_data_without_reload(
    fault_stack, recorder, outage_seconds
) -> None:
    outcome = recorder.start(
        "faults",
        "QuantumLeap stopped, then back",
        f"QL stand-in stopped for {outage_seconds:.0f} s under 4 polling viewers",
        "viewers show 'unavailable', then data again without a reload; no 5xx",
    )
    stack = fault_stack.stack
    async with load.polling(fault_stack.gateway, ACME) as running:
        await running.wait_for("live", 30)
        stopped = time.monotonic()
        processes.stop_service(stack, "sim")
        await running.wait_for("unavailable", 30)
        await asyncio.sleep(outage_seconds)
        await asyncio.to_thread(processes.start_service, stack, "sim")
        back = time.monotonic()
        recovered = await running.wait_for("live", 30)
    during = running.between(stopped, back)
    outcome.numbers = {
        "answers": len(running.answers),
        "failed": len(load.failed(running.all())),
        "recovery s": round(recovered - back, 2),
    }
    outcome.note = f"states during the outage: {load.kinds(during)}"
    assert not load.failed(running.all())
    assert any(a.kind == "unavailable" for a in during)
    outcome.held = True


async def test_registry_outage_known_tenants_served_within_stale_limit(
    fault_stack, recorder
) -> None:
    outcome = recorder.start(
        "faults",
        "tenant registry stopped",
        f"registry stopped; gateway stale limit {fault_stack.stale_limit:.0f} s",
        "known tenant served until the stale limit, then 503; unknown tenant 503; "
        "recovers when the registry is back",
    )
    stack = fault_stack.stack
    gateway = fault_stack.gateway
    async with load.polling(gateway, ACME) as running:
        await running.wait_for("live", 30)
        processes.stop_service(stack, "registry")
        stopped = time.monotonic()
        unknown = await _status(gateway + UNKNOWN)
        # Well inside the stale limit the known tenant must not notice.
        await asyncio.sleep(fault_stack.stale_limit / 2)
        within = running.since(stopped)
    known_refused_at = None
    deadline = stopped + fault_stack.stale_limit + 5
    while time.monotonic() < deadline:
        if await _status(ACME.board_url(gateway)) == 503:
            known_refused_at = time.monotonic() - stopped
            break
        await asyncio.sleep(0.2)
    await asyncio.to_thread(processes.start_service, stack, "registry")
    back = time.monotonic()
    while await _status(ACME.board_url(gateway)) != 200:
        assert time.monotonic() - back < 30, "the gateway did not recover"
        await asyncio.sleep(0.1)
    outcome.numbers = {
        "answers within limit": len(within),
        "failed": len(load.failed(within)),
        "known tenant refused after s": round(known_refused_at or -1, 1),
        "recovery s": round(time.monotonic() - back, 2),
    }
    assert unknown == 503
    assert within
    assert not load.failed(within)
    assert known_refused_at is not None, "the stale limit setting was not honoured"
    assert known_refused_at >= fault_stack.stale_limit / 2
    outcome.held = True


async def test_redis_outage_keeps_registry_and_boards_answering(fault_stack, recorder) -> None:
    outcome = recorder.start(
        "faults",
        "Redis stopped and restarted",
        "private Redis killed for 3 s under 4 polling viewers, then started empty",
        "registry and boards keep answering (no 5xx); viewers keep seeing live data (the "
        "boards' cache falls back to in-process); caches fill Redis again",
    )
    stack = fault_stack.stack
    registry = stack.url("registry")
    async with load.polling(fault_stack.gateway, ACME) as running:
        await running.wait_for("live", 30)
        fault_stack.redis.stop()
        stopped = time.monotonic()
        routes = []
        for _ in range(6):
            routes.append(await _status(f"{registry}/v1/routes/{ACME.slug}"))
            await asyncio.sleep(0.5)
        fault_stack.redis.start()
        back = time.monotonic()
        recovered = await running.wait_for("live", 30)
        refilled = False
        while time.monotonic() - back < 15 and not refilled:
            refilled = fault_stack.redis.keys() > 0
            await asyncio.sleep(0.2)
    during = running.between(stopped, back)
    outcome.numbers = {
        "answers": len(running.answers),
        "failed": len(load.failed(running.all())),
        "recovery s": round(recovered - back, 2),
    }
    outcome.note = f"states during the outage: {load.kinds(during)}"
    assert set(routes) == {200}
    assert during
    assert not load.failed(running.all())
    assert {a.kind for a in during} == {"live"}, "viewers stopped seeing data without Redis"
    assert refilled, "nothing was cached in Redis after it came back"
    outcome.held = True


async def test_killed_replica_costs_under_one_percent(fault_stack, recorder) -> None:
    outcome = recorder.start(
        "faults",
        "board replica killed",
        "one of two roughnator replicas SIGKILLed under 6 busy viewers",
        "< 1 % failed requests, no manual action",
    )
    stack = fault_stack.stack
    async with load.polling(fault_stack.gateway, ACME, viewers=6, pause=0.02) as running:
        await running.wait_for("live", 30)
        await asyncio.sleep(1.5)
        killed = time.monotonic()
        processes.stop_service(stack, "board-roughnator", kill=True)
        # Judged over a number of requests, not a time window: a busy machine sends
        # fewer per second, and the share must hold over enough of them either way.
        deadline = killed + AFTER_KILL_DEADLINE
        answered = len(running.since(killed))
        while answered < AFTER_KILL and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            answered = len(running.since(killed))
    after = running.since(killed)
    failures = load.failed(running.all())
    share = len(failures) / max(1, len(running.answers))
    outcome.numbers = {
        "requests": len(running.answers),
        "after the kill": len(after),
        "failed": len(failures),
        "failed %": round(100 * share, 2),
    }
    await asyncio.to_thread(processes.start_service, stack, "board-roughnator")
    assert len(after) >= AFTER_KILL, f"only {len(after)} requests after the kill"
    # Which answers failed, and when, relative to the kill: in flight, or later.
    seen = [
        (round(at - killed, 2), a.status_code, a.body[:80]) for at, a in running.answers if a.failed
    ]
    assert share < 0.01, seen
    outcome.held = True


async def test_postgres_restart_registry_recovers_without_restart(fault_stack, recorder) -> None:
    outcome = recorder.start(
        "faults",
        "PostgreSQL restarted",
        "the registry's private PostgreSQL stopped and started again",
        "the registry (not restarted) reads and writes again; the gateway keeps serving",
    )
    stack = fault_stack.stack
    registry = stack.url("registry")
    token = stack.run_command("registry", "tokens", "create", "reliability").strip().split()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    registry_pid = stack.processes["registry"].pid
    async with load.polling(fault_stack.gateway, ACME) as running:
        await running.wait_for("live", 30)
        await asyncio.to_thread(fault_stack.postgres.stop)
        await asyncio.sleep(1)
        await asyncio.to_thread(fault_stack.postgres.start)
        up = time.monotonic()
        created = 0
        attempts = 0
        async with httpx.AsyncClient(base_url=registry, timeout=5) as client:
            while time.monotonic() - up < 30:
                attempts += 1
                answer = await client.post(
                    "/v1/admin/tenants", json={"slug": f"after_restart_{attempts}"}, headers=headers
                )
                if answer.status_code == 201:
                    created = attempts
                    break
                await asyncio.sleep(0.2)
            recovered = time.monotonic()
            routes = await client.get(f"/v1/routes/after_restart_{created}")
            ready = await client.get("/readyz")
    outcome.numbers = {
        "write attempts": attempts,
        "recovery s": round(recovered - up, 2),
        "viewer answers failed": len(load.failed(running.all())),
    }
    assert stack.processes["registry"].pid == registry_pid
    assert created, "the registry never wrote again after PostgreSQL came back"
    assert routes.status_code == 200
    assert ready.status_code == 200
    assert not load.failed(running.all())
    outcome.held = True
