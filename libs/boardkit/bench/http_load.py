"""A small closed-loop HTTP/1.1 load driver on raw asyncio streams.

An HTTP client library costs more CPU per request than the board does to answer a cached
poll, and the driver shares the machine's two cores with the server, so the driver sends
pre-encoded requests over keep-alive connections and parses only the status line and
``content-length``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class LoadResult:
    """Latencies (seconds, sorted) and wall time of one run."""

    latencies: list[float]
    elapsed: float
    statuses: dict[int, int]

    @property
    def rate(self) -> float:
        """Requests per second."""
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, share: float) -> float:
        """Latency at ``share`` (0 to 1) in milliseconds."""
        if not self.latencies:
            return 0.0
        index = min(len(self.latencies) - 1, int(len(self.latencies) * share))
        return self.latencies[index] * 1000

    def line(self, label: str, concurrency: int) -> str:
        """One printable line: p50, p99, requests/s."""
        return (
            f"{label:<34} p50 {self.percentile(0.5):6.1f} ms, p99 {self.percentile(0.99):6.1f} "
            f"ms, {self.rate:6.0f} req/s ({concurrency} concurrent)"
        )


def post_request(
    host: str, port: int, path: str, body: Any, headers: Mapping[str, str] | None = None
) -> bytes:
    """An encoded ``POST`` of ``body`` as JSON, ready to be sent again and again."""
    payload = json.dumps(body, separators=(",", ":")).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        "Accept-Encoding: identity",
        f"Content-Length: {len(payload)}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        parts.append(await reader.readexactly(size + 2))
        if size == 0:
            return status, b"".join(p[:-2] for p in parts)


async def run_load(
    host: str, port: int, requests: Sequence[bytes], concurrency: int, total: int
) -> LoadResult:
    """Send ``total`` requests over ``concurrency`` connections, each waiting for its answer
    before the next; connection ``i`` cycles through ``requests`` starting at ``i``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    per = max(1, total // concurrency)

    async def connection(offset: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for i in range(per):
                began = time.perf_counter()
                writer.write(requests[(offset + i) % len(requests)])
                status, _ = await _read_response(reader)
                latencies.append(time.perf_counter() - began)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(connection(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return LoadResult(latencies, elapsed, statuses)


async def fetch_once(host: str, port: int, request: bytes) -> tuple[int, bytes]:
    """Send one request on a fresh connection and return its status and body."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        return await _read_response(reader)
    finally:
        writer.close()
