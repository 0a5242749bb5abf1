from __future__ import annotations

from boardkit import Trace, extension


def _trace(key: str, xs: list[str]) -> Trace:
    return Trace(key=key, name=key, columns={"x": xs, "y": [1.0] * len(xs)})


def test_extension_sends_only_new_points_with_window_counts():
    keys = ["a/v", "b/v"]
    window = [_trace("a/v", ["1", "2", "3"]), _trace("b/v", ["1", "2"])]
    new = [_trace("a/v", ["3"]), _trace("b/v", [])]
    ext = extension(keys, window, new, cap=1000)
    assert ext is not None
    update, indices, max_points = ext.as_prop()
    assert update == {"x": [["3"]], "y": [[1.0]]}
    assert indices == [0]
    assert max_points == {"x": [3], "y": [3]}


def test_extension_caps_points_per_trace():
    ext = extension(["a"], [_trace("a", [str(i) for i in range(50)])], [_trace("a", ["49"])], 10)
    assert ext is not None
    assert ext.max_points == {"x": [10], "y": [10]}


def test_a_trace_not_on_screen_needs_a_full_redraw():
    assert extension(["a"], [_trace("b", ["1"])], [_trace("b", ["1"])], 100) is None


def test_nothing_new_is_an_empty_extension():
    ext = extension(["a"], [_trace("a", ["1"])], [_trace("a", [])], 100)
    assert ext is not None
    assert ext.indices == []
