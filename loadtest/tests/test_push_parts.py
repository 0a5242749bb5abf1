"""The push generator's parts: event parsing, drop accounting, its command line."""

from __future__ import annotations

import pytest
from dazzler_loadtest.cpu_meter import generator_summary
from dazzler_loadtest.options import BadOptions
from dazzler_loadtest.push_cli import build_parser, parse_series, push_options
from dazzler_loadtest.push_ledger import Ledger, Window
from dazzler_loadtest.sse import SseParser, StreamFormatError


def test_events_split_across_chunks_come_out_whole() -> None:
    parser = SseParser()
    stream = b'retry: 2000\n\n: hb\n\nevent: points\nid: 7\ndata: {"a":\ndata: 1}\n\n'
    events = [e for i in range(len(stream)) for e in parser.feed(stream[i : i + 1])]
    assert [(e.event, e.data, e.id) for e in events] == [("points", '{"a":\n1}', "7")]
    assert events[0].size == len(b'event: points\nid: 7\ndata: {"a":\ndata: 1}\n\n')
    assert parser.retry_ms == 2000
    assert parser.comments == 1
    assert parser.last_id == "7"


def test_crlf_framing_and_default_event_name() -> None:
    events = SseParser().feed(b"data: x\r\n\r\ndata:y\n\n")
    assert [(e.event, e.data) for e in events] == [("message", "x"), ("message", "y")]


def test_bytes_that_are_not_events_are_refused() -> None:
    with pytest.raises(StreamFormatError, match="UTF-8"):
        SseParser().feed(b"data: \xff\n\n")


def test_drops_compare_each_viewer_with_the_best_served_one() -> None:
    ledger = Ledger(window=Window(1000, 2000))
    full, short, other = (ledger.track(("b", "demo", "r", s)) for s in ("e1", "e1", "e2"))
    ledger.points_frame(full, [1100, 1200, 1300], 1400.0, 0.0, 100)
    ledger.points_frame(short, [1100, 1300], 1400.0, 0.0, 90)
    ledger.points_frame(other, [1500], 1600.0, 0.0, 80)
    ledger.complete = {0, 1, 2}
    assert ledger.drops() == 1
    # Which series, how many the best-served viewer got, who got fewer, up to when, and
    # which points they missed.
    assert ledger.drops_by_series() == {"b/demo/r/e1": {"best": 3, "short": [[0, 2, 1300, [1200]]]}}
    ledger.points_frame(full, [1300], 1500.0, 0.0, 50)
    assert ledger.duplicates == 1
    assert sorted(ledger.lags_ms) == [100.0, 100.0, 100.0, 200.0, 300.0, 300.0]


def test_catch_up_points_count_but_have_no_lag() -> None:
    ledger = Ledger(window=Window(1000, 2000))
    track = ledger.track(("b", "demo", "r", "e1"))
    ledger.points_frame(track, [1100, 1200], 1900.0, 1150.0, 100)
    assert track.in_window == 2
    assert list(ledger.lags_ms) == [700.0]


def test_parts_from_several_processes_are_judged_together() -> None:
    window = Window(1000, 2000)
    first, second = Ledger(window=window, expected=1), Ledger(window=window, expected=1)
    full = first.track(("b", "demo", "r", "e1"), viewer=0)
    short = second.track(("b", "demo", "r", "e1"), viewer=1)
    first.points_frame(full, [1100, 1200], 1300.0, 0.0, 100)
    second.points_frame(short, [1100], 1250.0, 0.0, 100)
    first.complete, second.complete = {0}, {0}
    second.error("stream: open", "HTTP 503")
    assert first.drops() == second.drops() == 0
    first.merge(second)
    assert first.drops() == 1  # the second process's viewer missed a point the first got
    assert first.summary()["streams_measured"] == 2
    assert sorted(first.lags_ms) == [100.0, 150.0, 200.0]
    assert first.errors == {"stream: open": 1}
    assert first.expected == 2


def test_one_bound_generator_process_marks_the_run() -> None:
    calm = {"cpu_share_mean": 0.3, "cpu_share_peak": 0.5, "loop_delay_p95_ms": 5.0,
            "samples": 20, "bound": False}  # fmt: skip
    busy = {**calm, "cpu_share_mean": 0.9, "bound": True}
    assert generator_summary([calm]) == {**calm, "processes": 1}
    both = generator_summary([calm, busy])
    assert both["bound"] is True
    assert both["cpu_share_mean"] == 1.2
    assert both["processes"] == 2
    assert not generator_summary([calm, calm])["bound"]


def _args(*extra: str) -> list[str]:
    return ["--host", "http://127.0.0.1:8000", *extra]


def test_bad_options_are_refused_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = build_parser()
    with pytest.raises(BadOptions, match="--viewers"):
        push_options(parser.parse_args(_args("--viewers", "0")))
    with pytest.raises(BadOptions, match="not on this machine"):
        push_options(parser.parse_args(["--host", "http://10.0.0.1:8000"]))
    monkeypatch.delenv("DAZZLER_SHARED_SECRET", raising=False)
    with pytest.raises(BadOptions, match="DAZZLER_SHARED_SECRET"):
        push_options(parser.parse_args(_args("--sign-context")))
    with pytest.raises(BadOptions, match="not a duration"):
        push_options(parser.parse_args(_args("--measure", "soon")))
    with pytest.raises(BadOptions, match="BOARD=KEY"):
        parse_series(["sleuth="])
    with pytest.raises(BadOptions, match="--processes must be between"):
        push_options(parser.parse_args(_args("--processes", "0")))
    with pytest.raises(BadOptions, match="--processes must not exceed --viewers"):
        push_options(parser.parse_args(_args("--viewers", "2", "--processes", "3")))


def test_options_of_a_run() -> None:
    options = push_options(
        build_parser().parse_args(
            _args("--host", "http://127.0.0.1:8001/", "--tenants", "t{1..3}", "--series",
                  "fams=panel:workers+panel:interventions", "--measure", "1m")
        )
    )  # fmt: skip
    assert options.hosts == ("http://127.0.0.1:8000", "http://127.0.0.1:8001")
    assert options.tenants == ("t1", "t2", "t3")
    assert options.series == {"fams": ("panel:workers", "panel:interventions")}
    assert options.measure == 60.0
