"""Replica discovery, round-robin order and passive health."""

from __future__ import annotations

import pytest
from gateway.upstreams import ServicePool


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _pool(
    urls: list[str], clock: Clock, addresses: dict[str, list[str]] | None = None
) -> ServicePool:
    async def resolve(host: str, port: int) -> list[str]:
        if addresses is None or host not in addresses:
            raise OSError("no such host")
        return addresses[host]

    return ServicePool("board-demo", urls, cooldown=5, resolver=resolve, clock=clock)


def test_round_robin_over_replicas() -> None:
    pool = _pool(["http://127.0.0.1:1", "http://127.0.0.1:2"], Clock())
    firsts = [pool.candidates()[0].base_url for _ in range(4)]
    assert firsts == ["http://127.0.0.1:1", "http://127.0.0.1:2"] * 2


def test_replica_marked_down_is_tried_last_until_its_cooldown_ends() -> None:
    clock = Clock()
    pool = _pool(["http://127.0.0.1:1", "http://127.0.0.1:2"], clock)
    pool.mark_down(pool.replicas[0])
    orders = [[r.base_url for r in pool.candidates()] for _ in range(2)]
    assert orders == [["http://127.0.0.1:2", "http://127.0.0.1:1"]] * 2
    clock.now += 6
    firsts = {pool.candidates()[0].base_url for _ in range(2)}
    assert firsts == {"http://127.0.0.1:1", "http://127.0.0.1:2"}


async def test_a_name_with_several_addresses_is_several_replicas() -> None:
    clock = Clock()
    pool = _pool(
        ["http://board-demo:8105/", "http://127.0.0.1:9"],
        clock,
        {"board-demo": ["10.0.0.5", "10.0.0.6", "fd00::7"]},
    )
    await pool.refresh()
    assert [r.base_url for r in pool.replicas] == [
        "http://10.0.0.5:8105",
        "http://10.0.0.6:8105",
        "http://[fd00::7]:8105",
        "http://127.0.0.1:9",
    ]


async def test_health_survives_re_resolution_and_failures_keep_the_last_answer() -> None:
    clock = Clock()
    addresses = {"board-demo": ["10.0.0.5", "10.0.0.6"]}
    pool = _pool(["http://board-demo:8105"], clock, addresses)
    await pool.refresh()
    pool.mark_down(pool.replicas[0])
    addresses["board-demo"] = ["10.0.0.5", "10.0.0.6", "10.0.0.8"]
    await pool.refresh()
    assert [r.down_until > 0 for r in pool.replicas] == [True, False, False]
    del addresses["board-demo"]
    await pool.refresh()
    assert len(pool.replicas) == 3


@pytest.mark.parametrize("url", ["http://127.0.0.1:8101", "http://[::1]:8101"])
async def test_ip_literals_are_not_resolved(url: str) -> None:
    pool = _pool([url], Clock(), {})
    await pool.refresh()
    assert [r.base_url for r in pool.replicas] == [url]
