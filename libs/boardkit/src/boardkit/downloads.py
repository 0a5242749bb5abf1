"""CSV of exactly what a figure shows, read back from the figure the browser holds."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def figure_rows(figure: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per point of every visible-data trace: series name, x and y."""
    rows: list[dict[str, Any]] = []
    for trace in figure.get("data", []) or []:
        xs = _values(trace.get("x"))
        ys = _values(trace.get("y"))
        name = trace.get("name") or ""
        for x, y in zip(xs, ys, strict=False):
            if y is None:  # a break in the line where data is missing, not a point
                continue
            rows.append({"series": name, "x": x, "y": y})
    return rows


def _values(raw: Any) -> list[Any]:
    # Plotly may hold numeric arrays as typed-array specs ({"dtype", "bdata"}) after
    # a round trip through plotly.py; the kit sends plain lists, so anything else is empty.
    return list(raw) if isinstance(raw, list | tuple) else []


def figure_csv(figure: Mapping[str, Any], x_label: str, y_label: str) -> str:
    """The CSV text for :func:`figure_rows` with a header naming the axes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["series", x_label, y_label])
    for row in figure_rows(figure):
        writer.writerow([row["series"], row["x"], row["y"]])
    return buffer.getvalue()


def csv_filename(tenant: str, board: str, stamp: str) -> str:
    """A safe file name such as ``acme-roughnator-20260101T120000.csv``."""
    return _SAFE.sub("_", f"{tenant}-{board}-{stamp}") + ".csv"
