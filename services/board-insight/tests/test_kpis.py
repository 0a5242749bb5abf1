from __future__ import annotations

from datetime import UTC, datetime, timedelta

from board_insight.kpis import insight_suffix, kpi_series

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_rows_are_grouped_per_kpi_of_the_selected_insight_only(series):
    mine = series(
        [T0 + timedelta(seconds=10), T0],
        {
            "insightId": ["urn:ngsi-ld:Insights:1"] * 2,
            "kpi": ["Throughput"] * 2,
            "value": [170.0, 160],
        },
    )
    neighbour = series(
        [T0],
        {"insightId": ["urn:ngsi-ld:Insights:10"], "kpi": ["Throughput"], "value": [1.0]},
    )
    scrap = series(
        [T0, T0 + timedelta(seconds=5)],
        {"insightId": ["urn:ngsi-ld:Insights:1"] * 2, "kpi": ["Scrap"] * 2, "value": [2, None]},
    )
    result = kpi_series([mine, neighbour, scrap], "urn:ngsi-ld:Insights:1")
    assert set(result) == {"Throughput", "Scrap"}
    assert result["Throughput"].values == (160.0, 170.0)
    assert result["Throughput"].times == (T0, T0 + timedelta(seconds=10))
    assert result["Scrap"].values == (2.0,)


def test_non_numeric_values_and_short_columns_are_skipped(series):
    odd = series(
        [T0, T0 + timedelta(seconds=5), T0 + timedelta(seconds=9)],
        {"insightId": ["urn:ngsi-ld:Insights:1"] * 3, "kpi": ["K", "K"], "value": ["3", True]},
    )
    assert kpi_series([odd], "urn:ngsi-ld:Insights:1") == {}


def test_insight_suffix():
    assert insight_suffix("urn:ngsi-ld:Insights:7") == "7"
    assert insight_suffix("plain") == "plain"
