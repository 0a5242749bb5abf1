"""Load generator, run as its own process: POSTs a Dash callback for a fixed time.

Prints one JSON line: requests, errors, requests/s, p50 and p99 in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import aiohttp

CALLBACK_BODY = (
    b'{"output":"echo.children","outputs":{"id":"echo","property":"children"},'
    b'"inputs":[{"id":"text","property":"value","value":"hello"}],'
    b'"changedPropIds":["text.value"]}'
)


async def _worker(
    session: aiohttp.ClientSession, url: str, stop_at: float, latencies: list[float]
) -> int:
    errors = 0
    headers = {"Content-Type": "application/json"}
    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        try:
            async with session.post(url, data=CALLBACK_BODY, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    errors += 1
                    continue
        except aiohttp.ClientError:
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
    return errors


async def run(url: str, duration: float, concurrency: int, warmup: float) -> dict[str, float]:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        if warmup > 0:
            await asyncio.gather(
                *(_worker(session, url, time.perf_counter() + warmup, []) for _ in range(4))
            )
        latencies: list[float] = []
        started = time.perf_counter()
        stop_at = started + duration
        errors = await asyncio.gather(
            *(_worker(session, url, stop_at, latencies) for _ in range(concurrency))
        )
        elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0
        )

    return {
        "requests": len(latencies),
        "errors": sum(errors),
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=1.0)
    args = parser.parse_args()
    result = asyncio.run(run(args.url, args.duration, args.concurrency, args.warmup))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
