from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from board_fams.figures import (
    LIMIT_COLOUR,
    current_figure,
    history_figure,
    lines_over_limit,
    share_figure,
)
from board_fams.workers import FatigueSnapshot, LineFatigue, LineHistory

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def snapshot() -> FatigueSnapshot:
    minute = datetime(2026, 11, 27, 11, 0, tzinfo=ROME)
    return FatigueSnapshot(
        connected=3,
        lines=(
            LineFatigue("Line1", 2, 8.5, 0.5, 8.0, 9.0),
            LineFatigue("Line2", 1, 3.0, 0.0, 3.0, 3.0),
        ),
        history=(
            LineHistory("Line1", (minute, minute + timedelta(minutes=1)), (6.0, 8.5)),
            LineHistory("Line2", (minute, minute + timedelta(minutes=1)), (None, 3.0)),
        ),
        notes=(),
    )


def _limit_lines(fig):
    return [s for s in fig.layout.shapes if s.type == "line"]


def test_bars_above_the_limit_are_highlighted_and_the_limit_is_drawn(snapshot):
    fig = current_figure(snapshot, 7.0, "plotly_white")
    (bars,) = fig.data
    assert list(bars.x) == ["Line1", "Line2"]
    assert list(bars.y) == [8.5, 3.0]
    assert list(bars.error_y.array) == [0.5, 0.0]
    assert bars.marker.color[0] == LIMIT_COLOUR
    assert bars.marker.color[1] != LIMIT_COLOUR
    (limit,) = _limit_lines(fig)
    assert (limit.y0, limit.y1) == (7.0, 7.0)
    assert lines_over_limit(snapshot, 7.0) == ["Line1"]
    assert lines_over_limit(snapshot, 9.0) == []


def test_history_is_drawn_in_tenant_wall_clock_with_crossings_marked(snapshot):
    fig = history_figure(snapshot, 7.0, "plotly_dark", "Europe/Rome")
    line1, line2 = fig.data
    assert line1.name == "Line1"
    assert line1.x[0] == datetime(2026, 11, 27, 11, 0)
    assert list(line2.y) == [None, 3.0]
    assert line1.marker.color[1] == LIMIT_COLOUR
    assert line1.marker.color[0] != LIMIT_COLOUR
    assert fig.layout.xaxis.title.text == "Time (Europe/Rome)"
    assert fig.layout.xaxis.dtick == 60_000
    assert len(_limit_lines(fig)) == 1


def test_share_pie_uses_the_same_colour_per_line_as_the_bars(snapshot):
    pie = share_figure(snapshot, "plotly_white").data[0]
    bars = current_figure(snapshot, 10.0, "plotly_white").data[0]
    assert list(pie.labels) == ["Line1", "Line2"]
    assert list(pie.values) == [2, 1]
    assert list(pie.marker.colors) == list(bars.marker.color)


def test_empty_snapshot_says_so_instead_of_drawing_nothing():
    empty = FatigueSnapshot(connected=0, lines=(), history=(), notes=())
    for fig in (
        share_figure(empty, "plotly_white"),
        current_figure(empty, 7.0, "plotly_white"),
        history_figure(empty, 7.0, "plotly_white", "UTC"),
    ):
        assert fig.data == ()
        assert fig.layout.annotations[0].text in {
            "No connected workers",
            "No fatigue readings in this window",
        }


def test_twelve_lines_get_colours_without_failing(snapshot):
    many = FatigueSnapshot(
        connected=12,
        lines=tuple(LineFatigue(f"Line{i}", 1, 1.0, 0.0, 1.0, 1.0) for i in range(12)),
        history=(),
        notes=(),
    )
    assert len(current_figure(many, 7.0, "plotly_white").data[0].x) == 12
