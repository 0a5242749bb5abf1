from __future__ import annotations

import pytest
from board_insight.recommendations import MISSING, parse_number, read_results

WELL_FORMED = {
    "KPI_name": ["Throughput", "Scrap", "Roughness"],
    "features_names": [["ae", "fz", "Diam"], ["Diam", "fz", "ae", "HB"], ["AcelR", "Ra"]],
    "features_values": [[2.86, 0.102, 10.21], [14.46, 0.05, 1.36, 88.9], [1.0335, -2.75]],
    "KPI_best": ["163.37", "2.0", "1.03"],
}


def test_one_recommendation_per_kpi_with_parameters_and_best_value():
    report = read_results(WELL_FORMED)
    assert report.warnings == ()
    assert [r.kpi for r in report.recommendations] == ["Throughput", "Scrap", "Roughness"]
    throughput = report.recommendations[0]
    assert [(p.name, p.value) for p in throughput.parameters] == [
        ("ae", 2.86),
        ("fz", 0.102),
        ("Diam", 10.21),
    ]
    assert throughput.best == 163.37
    assert throughput.warnings == ()
    assert len(report.recommendations[1].parameters) == 4


def test_ragged_columns_keep_every_kpi_and_mark_the_gaps():
    results = {
        "KPI_name": ["Throughput", "Scrap", "Energy"],
        "features_names": [["ae", "fz", "Diam"], ["Diam"]],
        "features_values": [[2.86, 0.102], [14.46, 0.05], [1.0]],
        "KPI_best": ["163.37", "2.0"],
    }
    report = read_results(results)
    assert [r.kpi for r in report.recommendations] == ["Throughput", "Scrap", "Energy"]
    assert any("different lengths" in w for w in report.warnings)

    throughput, scrap, energy = report.recommendations
    assert [(p.name, p.shown) for p in throughput.parameters] == [
        ("ae", "2.86"),
        ("fz", "0.102"),
        ("Diam", MISSING),
    ]
    assert throughput.parameters[2].value is None
    assert "3 parameter name(s) but 2 value(s)" in throughput.warnings[0]
    assert [(p.name, p.shown) for p in scrap.parameters] == [("Diam", "14.46"), (MISSING, "0.05")]
    assert [(p.name, p.shown) for p in energy.parameters] == [(MISSING, "1")]
    assert energy.best is None
    assert energy.best_shown == MISSING
    assert "Energy: parameter names are missing." in energy.warnings
    assert "Energy: the estimated best value is missing." in energy.warnings


def test_missing_column_is_reported_and_kpis_still_listed():
    report = read_results({"KPI_name": ["Throughput"], "KPI_best": ["1"]})
    assert "Column features_names is missing." in report.warnings
    assert "Column features_values is missing." in report.warnings
    (rec,) = report.recommendations
    assert (rec.kpi, rec.best, rec.parameters) == ("Throughput", 1.0, ())


def test_kpi_without_name_gets_a_visible_placeholder():
    report = read_results(
        {"KPI_best": ["3.5"], "features_names": [["a"]], "features_values": [[1]]}
    )
    (rec,) = report.recommendations
    assert rec.kpi == "KPI 1 (name missing)"
    assert rec.best == 3.5
    assert "Column KPI_name is missing." in report.warnings


def test_unparsable_values_are_shown_as_given_with_a_warning():
    report = read_results(
        {
            "KPI_name": ["Throughput"],
            "features_names": [["ae", "fz"]],
            "features_values": [["fast", "0.1"]],
            "KPI_best": ["n/a"],
        }
    )
    (rec,) = report.recommendations
    assert [(p.shown, p.value) for p in rec.parameters] == [("fast", None), ("0.1", 0.1)]
    assert rec.best is None
    assert rec.best_shown == "n/a"
    assert "Throughput: value 'fast' of ae is not a number." in rec.warnings
    assert "Throughput: the estimated best value 'n/a' is not a number." in rec.warnings


@pytest.mark.parametrize(
    ("results", "warning"),
    [
        (None, "This insight has no Results."),
        ("oops", "Results is a str, not a structured value."),
        ([1, 2], "Results is a list, not a structured value."),
    ],
)
def test_results_that_are_not_a_structured_value_give_a_warning_not_a_crash(results, warning):
    report = read_results(results)
    assert report.recommendations == ()
    assert report.warnings == (warning,)


def test_column_that_is_not_a_list_is_reported():
    report = read_results({"KPI_name": "Throughput", "KPI_best": ["1"]})
    assert "Column KPI_name is not a list." in report.warnings
    assert report.recommendations[0].kpi == "KPI 1 (name missing)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("163.37", 163.37),
        (" 2 ", 2.0),
        (7, 7.0),
        ("1e3", 1000.0),
        ("nan", None),
        ("x", None),
        (True, None),
        (None, None),
        ([1], None),
    ],
)
def test_parse_number(value, expected):
    assert parse_number(value) == expected
