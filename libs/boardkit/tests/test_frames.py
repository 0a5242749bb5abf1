from __future__ import annotations

from boardkit import Frame, merge_frames


def test_after_returns_only_newer_rows(make_frame, t0):
    frame = make_frame("a", [1.0, 2.0, 3.0])
    newer = frame.after(frame.times[0])
    assert newer.column("v") == [2.0, 3.0]
    assert len(frame.after(frame.times[-1])) == 0
    assert len(frame.after(None)) == 3


def test_merge_orders_rows_of_several_entities_by_time(make_frame):
    merged = merge_frames([make_frame("a", [1.0, 3.0], start=0), make_frame("b", [2.0], start=1)])
    assert merged.column("entity") == ["a", "b", "a"]
    assert merged.column("v") == [1.0, 2.0, 3.0]
    assert list(merged.times) == sorted(merged.times)


def test_json_round_trip_keeps_times_and_values(make_frame):
    frame = make_frame("a", [1.5, None])
    again = Frame.from_json(frame.to_json())
    assert again.times == frame.times
    assert again.column("v") == [1.5, None]
    assert again.column("entity") == ["a", "a"]


def test_tail(make_frame):
    assert make_frame("a", [1.0, 2.0, 3.0]).tail(2).column("v") == [2.0, 3.0]
