"""The report renders every section, its figures table and its plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dazzler_bench.capacity import Search
from dazzler_bench.openmodel import OpenResult
from dazzler_bench.push_bench import PushFindings
from dazzler_bench.push_runs import PushRunResult
from dazzler_bench.ql_load import series_queries
from dazzler_bench.report import Report
from dazzler_bench.runs import RunResult


def _result(users: int, p95: float, failures: int = 0) -> RunResult:
    return RunResult(
        users=users, poll_count=50, poll_p50_ms=p95 / 2, poll_p95_ms=p95, poll_rps=users / 5,
        poll_bytes=900.0, requests=70, failures=failures, rps=users / 4, cpu_warning=False,
        errors=("1x POST poll: HTTP 502",) if failures else (),
    )  # fmt: skip


def test_report_has_figures_sections_and_plots(tmp_path: Path) -> None:
    report = Report(tmp_path, quick=False)
    results = {"direct": _result(50, 20), "nginx": _result(50, 22), "gateway": _result(50, 25)}
    report.proxies(50, results, None)
    report.ql([(1, 1.0, _result(1, 10)), (100, 1.0, _result(100, 40))])
    report.memory([(0, 100.0), (3, 104.5)], {"wire": 700.0, "json": 2100.0})
    ours = Search(steps=[_result(100, 50), _result(200, 300, failures=1)], max_viewers=100)
    ours.confirmed = [_result(100, 60)] * 3
    base = Search(steps=[_result(10, 90), _result(20, 400)], max_viewers=10)
    figures = {"max_viewers_p95_250ms": 100, "gain_vs_baseline_ratio": 10.0}
    report.capacity(ours, base, figures)
    report.open_model(100, [OpenResult(16.0, 320, 0, 20.0, 45.0)])
    path = report.write(figures, 60.0)
    text = path.read_text()
    assert "| `max_viewers_p95_250ms` | 100 |" in text
    assert "Closed loop" in text
    assert "1x POST poll: HTTP 502" in text
    for name in ("latency.png", "throughput.png", "ql_queries.png", "board_rss.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
        assert f"({name})" in text


def test_only_series_reads_count_as_viewer_queries() -> None:
    stats = {
        "requests": {
            "GET /version": 1,
            "GET /health": 4,
            "POST /v2/notify": 400,
            "GET /v2/entities": 7,
            "GET /v2/entities/{entity_id}": 30,
            "GET /v2/types/{entity_type}": 5,
        }
    }
    assert series_queries(stats) == 35


def _push(users: int, p95: float, **extra: Any) -> PushRunResult:
    raw = {
        "lag_ms": {"p50": p95 / 2, "p95": p95, "p99": p95 * 1.5},
        "lag_samples": 10 * users,
        "frames": 4 * users,
        "bytes_per_frame": 420.0,
        "streams_measured": users,
        "series": 6,
        "generator": {"cpu_share_mean": 0.4, "bound": False},
        **extra,
    }
    return PushRunResult.from_json(users, raw)


def test_push_section_has_its_figures_table_and_lag_plot(tmp_path: Path) -> None:
    search: Search[PushRunResult] = Search(
        steps=[_push(1000, 200.0), _push(2000, 1400.0)], max_viewers=1000
    )
    search.confirmed = [_push(1000, 180.0), _push(1000, 260.0), _push(1000, 220.0)]
    search.references = [_result(20, 30.0)] * 5
    bound = _push(4000, 900.0, generator={"cpu_share_mean": 0.97, "bound": True})
    search.steps.append(bound)
    found = PushFindings(
        freshness=[_push(1, 400.0), _push(1000, 600.0)],
        orion_freshness=[_push(1, 40.0), _push(1000, 90.0)],
        rss_mb_per_1000={"board-roughnator": 21.5, "gateway": 30.2},
        replica_run=_push(1000, 500.0, errors=1, error_samples={"stream: open": ["HTTP 502"]}),
        ql_per_series_per_interval=1.0,
        search=search,
    )
    report = Report(tmp_path, quick=False)
    figures = {"push_vs_poll_viewers_ratio": 14.3, "push_bytes_per_tick_per_viewer": 420}
    report.push(found, figures)
    text = report.write(figures, 60.0).read_text()
    assert "**Result: 1000 viewers**, p95 lag 180 to 260 ms over the confirming runs" in text
    assert "x 14.3" in text
    assert "| 2 replicas | 1000 |" in text
    assert "| freshness via Orion | 1000 |" in text
    assert "0.40 s / 0.60 s; with the simulator sending through Orion" in text
    assert "ask at once: 0.04 s / 0.09 s" in text
    assert "stream: open: HTTP 502" in text
    assert "generator-bound, not counted" in text
    assert "board-roughnator 21.5 MiB, gateway 30.2 MiB" in text
    assert (tmp_path / "push_lag.png").read_bytes().startswith(b"\x89PNG")
    assert "(push_lag.png)" in text


def test_a_disturbed_push_search_prints_no_figure(tmp_path: Path) -> None:
    search: Search[PushRunResult] = Search(steps=[_push(1000, 200.0)], max_viewers=1000)
    search.references = [_result(20, 30.0), _result(20, 420.0)]
    report = Report(tmp_path, quick=False)
    report.push(PushFindings(freshness=[_push(1, 300.0)], search=search), {})
    assert "**Result: disturbed**" in report.write({}, 1.0).read_text()
