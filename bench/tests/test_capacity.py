"""The stepped search settles on the largest count that keeps passing."""

from __future__ import annotations

from dazzler_bench.capacity import CONFIRM_RUNS, find_capacity
from dazzler_bench.runs import RunResult


def _result(users: int, p95: float, failures: int = 0) -> RunResult:
    return RunResult(
        users=users, poll_count=100, poll_p50_ms=p95 / 2, poll_p95_ms=p95, poll_rps=1.0,
        poll_bytes=800.0, requests=120, failures=failures, rps=2.0, cpu_warning=False,
    )  # fmt: skip


def test_search_doubles_bisects_and_confirms() -> None:
    seen: list[int] = []

    def run(users: int) -> RunResult:
        seen.append(users)
        return _result(users, 100.0 if users <= 300 else 400.0)

    search = find_capacity(run, start=100, cap=3200, bisections=2)
    assert seen[:3] == [100, 200, 400]
    assert seen[3:5] == [300, 350]
    assert search.max_viewers == 300
    assert len(search.confirmed) == CONFIRM_RUNS
    assert not search.capped


def test_a_failed_request_fails_the_run_whatever_the_latency() -> None:
    def run(users: int) -> RunResult:
        return _result(users, 10.0, failures=1 if users >= 200 else 0)

    assert find_capacity(run, start=100, cap=3200, bisections=0).max_viewers == 100


def test_a_failed_confirmation_lowers_the_candidate() -> None:
    calls = {"n": 0}

    def run(users: int) -> RunResult:
        calls["n"] += 1
        # 240 passes the search once, then is flaky under confirmation.
        flaky = users == 240 and calls["n"] > 4
        return _result(users, 400.0 if users > 240 or flaky else 100.0)

    search = find_capacity(run, start=60, cap=3200, bisections=0)
    assert search.max_viewers == 200


def test_reaching_the_cap_is_reported() -> None:
    search = find_capacity(lambda u: _result(u, 5.0), start=100, cap=400, bisections=0)
    assert search.max_viewers == 400
    assert search.capped
