"""The report's page-weight section and figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from dazzler_bench.page_weight import BoardWeight, Visit, measure_boards, report_lines
from dazzler_bench.report import Report


def _weight(board: str, first: int, repeat: int, switch: int) -> BoardWeight:
    return BoardWeight(
        board,
        Visit("u", {"/static/plotly.js": first - 1000, "/": 1000}),
        Visit("u", {"/": repeat}),
        Visit("u", {"/": switch}),
    )


def test_section_shows_every_board_and_figure(tmp_path: Path) -> None:
    weights = [_weight("roughnator", 900_000, 14_000, 15_500), _weight("sleuth", 920_000, 0, 1)]
    report = Report(tmp_path, quick=True)
    report.page_weight(weights)
    text = report.write({}, 1.0).read_text()
    assert "## 6. Page weight" in text
    assert "| roughnator | 900 | 14.0 | 15.5 |" in text
    assert "| sleuth | 920 | 0.0 | 0.0 |" in text
    assert report_lines(weights)[:3] == [
        "roughnator.first_visit_bytes: 900000",
        "roughnator.repeat_visit_bytes: 14000",
        "roughnator.board_switch_bytes: 15500",
    ]


def test_heaviest_urls_come_first() -> None:
    visit = Visit("u", {"a": 5, "b": 50, "c": 20})
    assert visit.largest(2) == [("b", 50), ("c", 20)]
    assert visit.total == 75


def test_a_board_switch_needs_two_boards() -> None:
    with pytest.raises(ValueError, match="at least two boards"):
        measure_boards("http://127.0.0.1:1", ["roughnator"])
