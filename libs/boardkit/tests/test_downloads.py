from __future__ import annotations

import csv
import io

from boardkit import figure_csv
from boardkit.downloads import csv_filename


def test_csv_has_one_row_per_point_on_screen():
    figure = {
        "data": [
            {
                "name": "m1 roughness",
                "x": ["2026-01-01T10:00:00.000", "2026-01-01T10:00:05.000"],
                "y": [1.5, 1.7],
            },
            {"name": "m2 roughness", "x": ["2026-01-01T10:00:00.000"], "y": [2.1]},
        ]
    }
    rows = list(csv.reader(io.StringIO(figure_csv(figure, "time (Europe/Rome)", "value"))))
    assert rows[0] == ["series", "time (Europe/Rome)", "value"]
    assert rows[1:] == [
        ["m1 roughness", "2026-01-01T10:00:00.000", "1.5"],
        ["m1 roughness", "2026-01-01T10:00:05.000", "1.7"],
        ["m2 roughness", "2026-01-01T10:00:00.000", "2.1"],
    ]


def test_filename_is_safe():
    assert csv_filename("acme", "../etc", "20260101") == "acme-.._etc-20260101.csv"
