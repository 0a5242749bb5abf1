from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
from boardkit import Frame, LiveView, Trace, ViewContext
from boardkit.polls import PollMemo

VIEW_CONTEXT = ViewContext(theme="light", zone=ZoneInfo("UTC"))


def _view(calls: dict[str, int]) -> LiveView:
    def traces(frame: Frame, _view: ViewContext) -> list[Trace]:
        calls["traces"] += 1
        keys = sorted(set(frame.column("entity")))
        return [
            Trace(
                key=key,
                name=key,
                columns={
                    "x": [
                        t.isoformat()
                        for t, e in zip(frame.times, frame.column("entity"), strict=True)
                        if e == key
                    ],
                    "y": [
                        v
                        for v, e in zip(frame.column("v"), frame.column("entity"), strict=True)
                        if e == key
                    ],
                },
            )
            for key in keys
        ]

    def figure(traces: list[Trace], _view: ViewContext) -> go.Figure:
        calls["figure"] += 1
        return go.Figure(
            [go.Scatter(x=list(t.columns["x"]), y=list(t.columns["y"])) for t in traces]
        )

    async def fetch(*_args: object) -> Frame:
        raise AssertionError("not fetched here")

    return LiveView(entity_type="T", attrs=("v",), fetch=fetch, traces=traces, figure=figure)


def test_viewers_with_the_same_cursor_share_one_computation(make_frame):
    calls = {"traces": 0, "figure": 0}
    view = _view(calls)
    frame = make_frame("a", [1.0, 2.0, 3.0, 4.0])
    memo = PollMemo()
    steps = []
    for _ in range(50):
        prepared = memo.prepared("k", [frame], view, VIEW_CONTEXT, 1000, ttl=5)
        steps.append(prepared.step(frame.times[1].isoformat(), ["a"]))
    update, indices, max_points = steps[0].extend
    assert update["y"] == [[3.0, 4.0]]
    assert indices == [0]
    assert max_points["y"] == [4]
    assert steps[0].last == frame.times[-1].isoformat()
    assert all(s is steps[0] for s in steps)
    # One build of the window's traces plus one of the new rows, for all fifty.
    assert calls["traces"] == 2
    prepared.figure("rev")
    prepared.figure("rev")
    assert calls["figure"] == 1


def test_a_newer_cache_entry_is_worked_out_again(make_frame):
    calls = {"traces": 0, "figure": 0}
    view = _view(calls)
    memo = PollMemo()
    old = make_frame("a", [1.0, 2.0])
    new = make_frame("a", [1.0, 2.0, 5.0])
    first = memo.prepared("k", [old], view, VIEW_CONTEXT, 1000, ttl=5)
    assert first.step(old.times[-1].isoformat(), ["a"]).new_points == 0
    second = memo.prepared("k", [new], view, VIEW_CONTEXT, 1000, ttl=5)
    assert second is not first
    step = second.step(old.times[-1].isoformat(), ["a"])
    assert step.extend[0]["y"] == [[5.0]]


def test_new_rows_of_a_trace_not_on_screen_ask_for_a_redraw(make_frame, t0):
    view = _view({"traces": 0, "figure": 0})
    a = make_frame("a", [1.0, 2.0])
    b = make_frame("b", [7.0], start=10)
    prepared = PollMemo().prepared("k", [a, b], view, VIEW_CONTEXT, 1000, ttl=5)
    step = prepared.step((t0 + timedelta(seconds=3)).isoformat(), ["a"])
    assert step.redraw
    assert step.new_points == 1


def test_the_memo_is_bounded(make_frame):
    view = _view({"traces": 0, "figure": 0})
    memo = PollMemo(max_entries=8)
    frame = make_frame("a", [1.0])
    for i in range(40):
        memo.prepared(f"k{i}", [frame], view, VIEW_CONTEXT, 1000, ttl=5)
    assert len(memo) == 8
