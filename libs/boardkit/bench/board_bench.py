"""Board benchmark: memory per tenant, bytes per live tick, poll latency under load.

Starts the simulator (QL stand-in and generator) and the roughnator service on free
ports, drives them over HTTP with signed contexts, prints the numbers and stops both::

    uv run python libs/boardkit/bench/board_bench.py [--tenants 1000] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from tenant_context import TenantContext, sign_context

SECRET = secrets.token_hex(16)
ENTITY = "urn:ngsi-ld:RoughnessEstimate:1"
OUTPUTS = [
    ("graph", "figure"),
    ("graph", "extendData"),
    ("cursor", "data"),
    ("status", "children"),
    ("status", "color"),
    ("status", "className"),
    ("freshness", "children"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def headers(tenant: str, refresh: float = 1.0) -> dict[str, str]:
    context = TenantContext(
        tenant=tenant,
        display_name=tenant.upper(),
        fiware_service=tenant,
        board="roughnator",
        public_prefix=f"/dazzler/{tenant}/-/roughnator/",
        settings={"refresh_seconds": refresh},
    )
    return sign_context(context, SECRET)


def payload(poll: bool, cursor: Any) -> dict[str, Any]:
    def ident(kind: str) -> dict[str, str]:
        return {"board": "roughnator", "type": f"bk-{kind}"}

    wild = '{"board":["MATCH"],"type":"bk-%s"}'
    inputs = [
        (ident("entities"), "value", [ENTITY]),
        (ident("window"), "value", "last_n"),
        (ident("last-n"), "value", 100),
        (ident("range-start"), "value", None),
        (ident("range-end"), "value", None),
        (ident("poll"), "n_intervals", 1),
    ]
    trigger = "poll" if poll else "entities"
    return {
        "output": ".." + "...".join(f"{wild % k}.{p}" for k, p in OUTPUTS) + "..",
        "outputs": [{"id": ident(k), "property": p} for k, p in OUTPUTS],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [
            json.dumps(ident(trigger), separators=(",", ":"), sort_keys=True)
            + (".n_intervals" if poll else ".value")
        ],
        "state": [{"id": ident("cursor"), "property": "data", "value": cursor}],
    }


def cursor_of(answer: dict[str, Any]) -> Any:
    for key, value in answer["response"].items():
        if '"bk-cursor"' in key:
            return value["data"]
    return None


async def visit(client: httpx.AsyncClient, tenant: str) -> None:
    h = headers(tenant)
    await client.get("/", headers=h)
    await client.get("/_dash-layout", headers=h)
    await client.post("/_dash-update-component", json=payload(False, None), headers=h)


async def run(args: argparse.Namespace, board_port: int, board_pid: int) -> None:
    # Let the generator write a few ticks first.
    await asyncio.sleep(3)
    base = f"http://127.0.0.1:{board_port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await visit(client, "bench")
        one = rss_kib(board_pid)
        for start in range(0, args.tenants, 50):
            await asyncio.gather(
                *(visit(client, f"t{i}") for i in range(start, min(start + 50, args.tenants)))
            )
        many = rss_kib(board_pid)
        print(f"board RSS after 1 tenant:      {one / 1024:8.1f} MiB")
        print(f"board RSS after {args.tenants} tenants: {many / 1024:8.1f} MiB")
        print(f"  growth per tenant:           {(many - one) / max(1, args.tenants):8.2f} KiB")

        first = (
            await client.post(
                "/_dash-update-component", json=payload(False, None), headers=headers("bench")
            )
        ).json()
        cursor = cursor_of(first)
        sizes = []
        for _ in range(args.ticks):
            await asyncio.sleep(1.05)
            answer = await client.post(
                "/_dash-update-component",
                json=payload(True, cursor),
                headers={**headers("bench"), "Accept-Encoding": "identity"},
            )
            sizes.append(len(answer.content))
            cursor = cursor_of(answer.json()) or cursor
        print(f"bytes per tick per viewer:     {statistics.median(sizes):8.0f} B (median)")

        latencies: list[float] = []
        poll = payload(True, cursor)

        async def viewer(count: int) -> None:
            for _ in range(count):
                began = time.perf_counter()
                await client.post("/_dash-update-component", json=poll, headers=headers("bench"))
                latencies.append(time.perf_counter() - began)

        per = max(1, args.requests // args.concurrency)
        began = time.perf_counter()
        await asyncio.gather(*(viewer(per) for _ in range(args.concurrency)))
        elapsed = time.perf_counter() - began
        latencies.sort()
        p50 = latencies[len(latencies) // 2] * 1000
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        print(
            f"poll callback under load:      p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"{len(latencies) / elapsed:.0f} req/s ({args.concurrency} concurrent)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--ticks", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="board-bench-"))
    ql_port, orion_port, board_port = free_port(), free_port(), free_port()
    sim = subprocess.Popen(
        [
            *(sys.executable, "-m", "sim", "all", "--ql-port", str(ql_port)),
            *("--orion-port", str(orion_port), "--interval", "1", "--tenants", "bench"),
            *("--store", f"sqlite:{workdir / 'ql.sqlite'}"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        "DAZZLER_SHARED_SECRET": SECRET,
        "DAZZLER_BOARD_QL_URL": f"http://127.0.0.1:{ql_port}",
        "DAZZLER_ROUGHNATOR_PORT": str(board_port),
        "DAZZLER_BOARD_LOG_LEVEL": "WARNING",
    }
    board = subprocess.Popen([sys.executable, "-m", "board_roughnator"], env=env)
    try:
        wait(f"http://127.0.0.1:{ql_port}/version")
        wait(f"http://127.0.0.1:{board_port}/healthz")
        asyncio.run(run(args, board_port, board.pid))
    finally:
        for proc in (board, sim):
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
