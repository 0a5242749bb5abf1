from __future__ import annotations

from datetime import UTC, datetime, timedelta

from boardkit import with_gaps
from boardkit.downloads import figure_rows

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _at(*seconds: int) -> list[datetime]:
    return [T0 + timedelta(seconds=s) for s in seconds]


def test_a_hole_breaks_the_line_in_its_middle() -> None:
    times, columns = with_gaps(_at(0, 5, 10, 60, 65), {"y": [1, 2, 3, 4, 5]})
    assert columns["y"] == [1, 2, 3, None, 4, 5]
    assert times[3] == T0 + timedelta(seconds=35)


def test_regular_data_is_left_alone() -> None:
    times, columns = with_gaps(_at(0, 5, 11, 15, 20), {"y": [1, 2, 3, 4, 5]})
    assert columns["y"] == [1, 2, 3, 4, 5]
    assert times == _at(0, 5, 11, 15, 20)


def test_too_few_points_to_tell_a_hole() -> None:
    assert with_gaps(_at(0, 100), {"y": [1, 2]})[1]["y"] == [1, 2]


def test_a_break_is_not_a_downloaded_point() -> None:
    figure = {"data": [{"name": "a", "x": ["t0", "t1", "t2"], "y": [1.0, None, 2.0]}]}
    assert [r["y"] for r in figure_rows(figure)] == [1.0, 2.0]
