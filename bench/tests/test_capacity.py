"""The stepped search settles on the largest count that keeps passing."""

from __future__ import annotations

from dazzler_bench.capacity import CONFIRM_RUNS, find_capacity
from dazzler_bench.push_runs import PushRunResult
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


def test_a_failed_reference_run_makes_the_figure_disturbed() -> None:
    # One failed reference is run again; two in a row mark the search.
    references = iter([10.0, 420.0, 10.0, 420.0, 420.0, 10.0, 10.0, 10.0, 10.0, 10.0])
    search = find_capacity(
        lambda u: _result(u, 100.0 if u <= 200 else 400.0),
        start=100,
        cap=3200,
        bisections=0,
        reference=lambda: _result(20, next(references)),
    )
    assert search.max_viewers == 200
    assert [r.p95_ms for r in search.references][:3] == [10.0, 10.0, 420.0]
    assert search.disturbed
    assert search.figure() == "disturbed"


def test_quiet_references_leave_the_figure_and_its_spread() -> None:
    search = find_capacity(
        lambda u: _result(u, 100.0 if u <= 200 else 400.0),
        start=100,
        cap=3200,
        bisections=0,
        reference=lambda: _result(20, 10.0),
    )
    assert search.figure() == 200
    assert search.spread() == (100.0, 100.0)
    assert len(search.references) == len(search.steps) + len(search.confirmed)


def test_confirming_runs_far_apart_get_one_more() -> None:
    p95s = iter([50.0, 50.0, 20.0, 90.0, 30.0, 60.0, 60.0])

    def run(users: int) -> RunResult:
        return _result(users, next(p95s) if users == 100 else 400.0)

    search = find_capacity(run, start=100, cap=3200, bisections=0)
    assert [r.p95_ms for r in search.confirmed] == [50.0, 20.0, 90.0, 30.0]
    assert search.max_viewers == 100
    assert search.spread() == (20.0, 90.0)


def test_a_generator_bound_step_ends_the_climb_and_says_so() -> None:
    def run(users: int) -> PushRunResult:
        return PushRunResult.from_json(
            users,
            {
                "lag_ms": {"p50": 100, "p95": 200, "p99": 300},
                "lag_samples": 10 * users,
                "streams_measured": users,
                "generator": {"cpu_share_mean": 0.95 if users > 2000 else 0.3,
                              "bound": users > 2000},
            },
        )  # fmt: skip

    search = find_capacity(run, start=1000, cap=16000, bisections=0)
    assert search.max_viewers == 2000
    assert search.generator_bound
    assert not search.steps[-1].counted


def test_push_pass_rule_needs_every_stream_and_nothing_lost() -> None:
    good = {
        "lag_ms": {"p95": 300},
        "lag_samples": 50,
        "streams_measured": 10,
        "generator": {"bound": False},
    }
    assert PushRunResult.from_json(10, good).passed
    assert not PushRunResult.from_json(10, {**good, "lag_ms": {"p95": 1001}}).passed
    assert not PushRunResult.from_json(10, {**good, "streams_measured": 9}).passed
    for count in ("drops", "errors", "duplicates", "reconnects"):
        assert not PushRunResult.from_json(10, {**good, count: 1}).passed
    assert not PushRunResult.from_json(10, {**good, "lag_samples": 0}).passed
    assert not PushRunResult.failed(10, "crashed").passed
