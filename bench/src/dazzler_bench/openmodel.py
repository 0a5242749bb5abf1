"""The open-model check: polls arrive at a fixed rate, whether or not earlier ones finished.

Locust's viewers are a closed loop: a viewer waits for its answer before its next tick,
so an overloaded server slows the load down and hides part of the overload. Here every
request leaves on schedule, so queueing shows in the latency as it would for browsers.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx
from dazzler_loadtest.plain_transport import PlainTransport
from dazzler_loadtest.session import UPDATE_PATH, BoardSession


@dataclass(frozen=True, slots=True)
class OpenResult:
    """What a fixed-rate run saw."""

    rate: float
    sent: int
    failures: int
    p50_ms: float
    p95_ms: float


def record_polls(pages: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Open each board page once and keep the body of its next poll (URL, body)."""
    found = []
    for base in pages:
        transport = PlainTransport(base)
        try:
            session = BoardSession(transport)
            session.load()
            tickers = session.tickers(0.0, random.Random(0))
            if tickers:
                found.append((base + UPDATE_PATH, session.poll_body(tickers[0])))
        finally:
            transport.close()
    return found


async def _fire(rate: float, seconds: float, polls: list[tuple[str, dict[str, Any]]]) -> OpenResult:
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=2000, max_keepalive_connections=500)
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:

        async def one(url: str, body: dict[str, Any]) -> None:
            nonlocal failures
            began = time.perf_counter()
            try:
                response = await client.post(url, json=body)
                if response.status_code not in (200, 204):
                    failures += 1
                    return
            except httpx.HTTPError:
                failures += 1
                return
            latencies.append((time.perf_counter() - began) * 1000)

        tasks = []
        start = time.perf_counter()
        total = int(rate * seconds)
        for n in range(total):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            url, body = polls[n % len(polls)]
            tasks.append(asyncio.create_task(one(url, body)))
        await asyncio.gather(*tasks)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return OpenResult(rate, total, failures, pct(0.50), pct(0.95))


def run_open(rate: float, seconds: float, polls: list[tuple[str, dict[str, Any]]]) -> OpenResult:
    """Send ``rate`` polls a second for ``seconds``, cycling through ``polls``."""
    return asyncio.run(_fire(rate, seconds, polls))
