from __future__ import annotations

import json

from board_insight.panels import best_value, kpi_tab_ids, parameter_table, warnings_alert
from board_insight.recommendations import read_results


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json())


def test_table_marks_missing_and_unreadable_cells():
    (rec,) = read_results(
        {
            "KPI_name": ["Throughput"],
            "features_names": [["ae", "fz"]],
            "features_values": [["fast"]],
            "KPI_best": ["1"],
        }
    ).recommendations
    table = _text(parameter_table(rec))
    assert '"fast"' in table
    assert '"missing"' in table
    assert table.count("text-danger") == 2


def test_table_without_parameters_says_so():
    (rec,) = read_results({"KPI_name": ["Scrap"], "KPI_best": ["2"]}).recommendations
    assert "No parameters" in _text(parameter_table(rec))


def test_best_value_shows_the_raw_text_when_not_a_number():
    (rec,) = read_results({"KPI_name": ["Scrap"], "KPI_best": ["n/a"]}).recommendations
    card = _text(best_value(rec))
    assert "Scrap = n/a" in card
    assert "text-danger" in card


def test_no_warnings_no_alert():
    assert warnings_alert(()) is None
    assert "Column KPI_name is missing." in _text(warnings_alert(["Column KPI_name is missing."]))


def test_tab_ids_name_the_kpi_and_keep_repeated_names_apart():
    report = read_results(
        {
            "KPI_name": ["Throughput", "Scrap", "Throughput"],
            "features_names": [[], [], []],
            "features_values": [[], [], []],
            "KPI_best": ["1", "2", "3"],
        }
    )
    assert kpi_tab_ids(report.recommendations) == ["Throughput", "Scrap", "Throughput#2"]
