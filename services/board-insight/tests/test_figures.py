from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from board_insight.figures import best_value_figure, history_note, kpi_series_figure
from board_insight.recommendations import read_results

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _rec(best="163.37"):
    return read_results(
        {
            "KPI_name": ["Throughput"],
            "features_names": [["ae"]],
            "features_values": [[1.0]],
            "KPI_best": [best],
        }
    ).recommendations[0]


def test_series_is_drawn_in_tenant_time_with_best_value_reference():
    times = [NOW, NOW + timedelta(minutes=1)]
    fig = kpi_series_figure(
        _rec(), times, [150.0, 170.5], tz=ROME, timezone="Europe/Rome", template="plotly_white"
    )
    (trace,) = fig.data
    assert list(trace.y) == [150.0, 170.5]
    assert trace.x[0] == datetime(2026, 11, 27, 11, 0)
    (reference,) = fig.layout.shapes
    assert reference.y0 == 163.37
    assert fig.layout.title.text == "Throughput over time"


def test_empty_series_says_so():
    fig = kpi_series_figure(
        _rec(), [], [], tz=ROME, timezone="Europe/Rome", template="plotly_white"
    )
    assert fig.data == ()
    assert fig.layout.annotations[-1].text == "No KPI readings yet"


def test_best_value_figure_draws_only_the_time_the_estimate_is_known():
    since = NOW - timedelta(minutes=42)
    fig = best_value_figure(
        _rec(), since=since, now=NOW, tz=ROME, timezone="Europe/Rome", template="plotly_white"
    )
    (trace,) = fig.data
    assert trace.name == "Estimated best"
    assert list(trace.y) == [163.37, 163.37]
    # From the insight's time to now in the tenant's wall-clock time, not a whole day.
    assert list(trace.x) == [datetime(2026, 11, 27, 10, 18), datetime(2026, 11, 27, 11, 0)]
    assert fig.layout.title.text == "Throughput: estimated best, history since 10:18"


def test_best_value_figure_without_a_time_is_one_point_now_and_says_so():
    fig = best_value_figure(
        _rec(), since=None, now=NOW, tz=ROME, timezone="Europe/Rome", template="plotly_white"
    )
    (trace,) = fig.data
    assert list(trace.x) == [datetime(2026, 11, 27, 11, 0)]
    assert "only the current estimate" in fig.layout.title.text


def test_history_from_another_day_names_the_day():
    since = NOW - timedelta(days=2)
    note = history_note(since, now=NOW, tz=ROME)
    assert note == "history since 25 Nov 11:00"


def test_best_value_figure_without_a_number_explains_why():
    fig = best_value_figure(
        _rec("n/a"), since=NOW, now=NOW, tz=ROME, timezone="UTC", template="plotly_white"
    )
    assert fig.data == ()
    assert "n/a" in fig.layout.annotations[0].text
