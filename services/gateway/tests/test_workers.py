"""Several server processes: one /metrics scrape counts what every one of them served."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.integration

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PARALLEL = 8
ROUNDS = 30


@pytest.fixture(scope="module")
def stack(make_stack: Callable[..., Any]) -> Any:
    # A long TTL: each worker asks the registry for a tenant exactly once, so the route
    # cache misses count the workers that served it.
    return make_stack({"board-demo": 1}, workers="2", cache_ttl="300")


def _samples(stack: Any, name: str) -> list[tuple[dict[str, str], float]]:
    text = stack.metrics()
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def _misses(stack: Any) -> float:
    samples = _samples(stack, "dazzler_gateway_route_cache_total")
    return sum(value for labels, value in samples if labels["result"] == "miss")


def _served(stack: Any, tenant: str) -> float:
    samples = _samples(stack, "dazzler_gateway_requests_total")
    return sum(value for labels, value in samples if labels["tenant"] == tenant)


def _settled(read: Callable[[], float], expected: float) -> float:
    """``read()`` once it equals ``expected``, or its last value after a few seconds."""
    deadline = time.monotonic() + 5
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


def _get_on_new_connection(url: str) -> int:
    # A connection of its own, so that whichever worker accepts it first serves it.
    return httpx.get(url, headers={"connection": "close"}, timeout=15).status_code


def test_one_scrape_sums_the_counters_of_every_worker(
    stack: Any, new_tenant_name: Callable[[], str]
) -> None:
    tenant = new_tenant_name()
    stack.admin.add_tenant(tenant)
    stack.admin.grant(tenant, "demo")
    url = f"{stack.gateway.url}/dazzler/{tenant}/-/demo/"
    # Each worker drops the tenant once it hears of the two writes above (change polls every
    # 0.5 s); letting that pass first keeps those drops from counting as extra misses.
    time.sleep(2)

    sent = 0
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        for _ in range(ROUNDS):
            statuses = list(pool.map(_get_on_new_connection, [url] * PARALLEL))
            assert statuses == [200] * PARALLEL
            sent += PARALLEL
            if _misses(stack) >= 2:
                break

    assert _misses(stack) == 2, "the scrape does not show both workers' route caches"
    # A request is counted just after its answer went out, so the last few may land a
    # moment after the client has them.
    assert _settled(lambda: _served(stack, tenant), sent) == sent


def _worker_metric_dirs(pid: int) -> set[str]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = set()
    for child in children:
        environ = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
        for entry in environ:
            name, _, value = entry.decode(errors="replace").partition("=")
            if name == MULTIPROC_ENV:
                found.add(value)
    return found


def test_the_shared_metrics_directory_is_removed_on_stop(
    stack: Any, start_gateway: Callable[..., Any]
) -> None:
    upstreams = json.dumps({"board-demo": [stack.boards["board-demo"][0].url]})
    gateway = start_gateway(stack.registry.url, upstreams, workers="2")
    (directory,) = _worker_metric_dirs(gateway.process.pid)
    assert os.path.isdir(directory)

    gateway.stop()

    assert gateway.process.returncode == 0
    assert not os.path.exists(directory)
