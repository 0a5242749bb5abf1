"""Which HTTP client should the gateway use upstream? httpx vs aiohttp, same load.

Starts the benchmark's Dash app under uvicorn on a free loopback port, then, in this one
process (as the gateway would), sends ``--requests`` callback POSTs with ``--concurrency``
in flight through each client's keep-alive pool, and prints requests/s and p50/p99.

    uv run python services/gateway/bench/client_bench.py [--requests 5000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx
from dash_upstream import CALLBACK_BODY
from proxy_bench import free_port, wait_ready

HERE = Path(__file__).resolve().parent
HEADERS = {"Content-Type": "application/json"}


async def _measure(
    send: Callable[[], Awaitable[None]], requests: int, concurrency: int
) -> tuple[float, float, float]:
    latencies: list[float] = []
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            await send()
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return (
        len(latencies) / elapsed,
        latencies[len(latencies) // 2] * 1000,
        latencies[int(len(latencies) * 0.99)] * 1000,
    )


async def _httpx(url: str, requests: int, concurrency: int) -> tuple[float, float, float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:

        async def send() -> None:
            response = await client.post(url, content=CALLBACK_BODY, headers=HEADERS)
            response.raise_for_status()

        await _measure(send, 200, concurrency)
        return await _measure(send, requests, concurrency)


async def _aiohttp(url: str, requests: int, concurrency: int) -> tuple[float, float, float]:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def send() -> None:
            async with session.post(url, data=CALLBACK_BODY, headers=HEADERS) as response:
                await response.read()
                response.raise_for_status()

        await _measure(send, 200, concurrency)
        return await _measure(send, requests, concurrency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    port = free_port()
    upstream = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "dash_upstream:server",
            "--app-dir",
            str(HERE),
            "--host",
            "127.0.0.1",
            f"--port={port}",
            "--log-level=warning",
            "--no-access-log",
        ],
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/_dash-layout", upstream)
        url = f"http://127.0.0.1:{port}/_dash-update-component"
        print(f"{args.requests} callback POSTs, {args.concurrency} in flight")
        for name, run in (("httpx", _httpx), ("aiohttp", _aiohttp)):
            rps, p50, p99 = asyncio.run(run(url, args.requests, args.concurrency))
            print(f"{name:<8} {rps:>8.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    finally:
        upstream.terminate()
        upstream.wait(10)


if __name__ == "__main__":
    main()
