"""Resolve latency and throughput of a real registry server, in three cache states.

    uv run python services/tenant-registry/bench/resolve_bench.py --requests 2000

Prints p50/p99 latency, requests/s and the share of resolves that reached the database
for: cache hit (Redis), cache miss (key dropped before every request), Redis down.
Requests are sequential over one keep-alive connection, so the numbers are per-request
costs, not the server's capacity.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import psycopg
import redis
from dazzler_stack import free_port
from prometheus_client.parser import text_string_to_metric_families
from registry import migrate as migrations
from registry.boards import service as board_service
from registry.boards.schemas import GrantCreate
from registry.database import make_engine, make_session_factory
from registry.tenants import service as tenant_service
from registry.tenants.schemas import TenantCreate

TENANT = "benchco"


def _ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]


def _seed(url: str) -> None:
    migrations.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        tenant = tenant_service.get_by_slug(session=session, slug=TENANT)
        if tenant is None:
            data = TenantCreate(slug=TENANT)
            tenant = tenant_service.create(session=session, actor="bench", data=data)
            for board in ("demo", "fams", "roughnator"):
                mount = "" if board == "demo" else board
                grant = GrantCreate(board=board, mount_path=mount)
                board_service.grant(session=session, actor="bench", tenant=tenant, data=grant)
        session.commit()
    engine.dispose()


@contextmanager
def _server(database_url: str, redis_url: str, prefix: str) -> Iterator[httpx.Client]:
    port = free_port()
    env = {
        **os.environ,
        "DAZZLER_REGISTRY_DATABASE_URL": database_url,
        "DAZZLER_REGISTRY_REDIS_URL": redis_url,
        "DAZZLER_REGISTRY_CACHE_PREFIX": prefix,
        "DAZZLER_REGISTRY_PORT": str(port),
        "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "registry", "serve"], env=env, stdout=log, stderr=log
        )
        try:
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
            for _ in range(300):
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
                if process.poll() is not None:
                    log.seek(0)
                    raise SystemExit(f"server died:\n{log.read().decode()}")
            yield client
            client.close()
        finally:
            process.terminate()
            process.wait(timeout=10)


def _counter(client: httpx.Client, name: str) -> float:
    text = client.get("/metrics").text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == f"{name}_total"
    )


def _measure(
    label: str, client: httpx.Client, requests: int, before_each: Callable[[], None]
) -> None:
    path = f"/v1/resolve/{TENANT}/fams/_dash-layout"
    client.get(path)
    reads_before = _counter(client, "registry_db_route_reads")
    latencies = []
    for _ in range(requests):
        before_each()
        start = time.perf_counter()
        response = client.get(path)
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{label}: unexpected {response.status_code} {response.text}")
    reads = _counter(client, "registry_db_route_reads") - reads_before
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    rate = requests / sum(latencies)
    print(
        f"{label:<12} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  {rate:8.0f} req/s  "
        f"reached PostgreSQL {reads / requests:6.1%}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/dazzler_registry_bench",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)

    _ensure_database(args.database_url)
    _seed(args.database_url)
    prefix = f"dazzler:registry:bench:{uuid.uuid4().hex[:8]}:"
    cache = redis.Redis.from_url(args.redis_url)
    key = f"{prefix}routes:{TENANT}"
    print(f"{args.requests} sequential resolves per scenario")
    try:
        with _server(args.database_url, args.redis_url, prefix) as client:
            _measure("cache hit", client, args.requests, lambda: None)
            _measure("cache miss", client, args.requests, lambda: cache.delete(key))
        nowhere = f"redis://127.0.0.1:{free_port()}/0"
        with _server(args.database_url, nowhere, prefix) as client:
            _measure("redis down", client, args.requests, lambda: None)
    finally:
        stale = list(cache.scan_iter(match=prefix + "*"))
        if stale:
            cache.delete(*stale)
        cache.close()


if __name__ == "__main__":
    main()
