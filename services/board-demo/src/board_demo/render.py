"""The showcase's pure rendering: the viewer's theme and typed text to figures and parts."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
from boardkit import MalformedCallback, Panels, SourceData, ViewContext, figure_template

from board_demo.figures import (
    Template,
    cycle_histogram,
    energy_scatter,
    output_trend,
    weekday_heatmap,
)

ECHO = "echo"
CONTROLS = (ECHO,)
FIGURES = ("trend", "scatter", "histogram", "heatmap")
PARTS = (ECHO,)
SUMMARY = "Sample production data made by the board"

_BUILDERS: dict[str, Callable[[Template], go.Figure]] = {
    "trend": output_trend,
    "scatter": energy_scatter,
    "histogram": cycle_histogram,
    "heatmap": weekday_heatmap,
}


def _text(value: object, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MalformedCallback(f"{what} must be text, not {type(value).__name__}")


def echo_text(value: str | None) -> str:
    """What the echo card says back."""
    return f"You typed: {value}" if value else "You typed nothing yet."


def render(data: SourceData, view: ViewContext) -> Panels:
    """Every figure in the viewer's theme (the tenant's until switched in the kit's theme
    picker) and the echo."""
    del data  # the showcase reads no data source
    typed = _text(view.choices.get(ECHO), "the typed text")
    template = figure_template(view.theme)
    return Panels(
        figures={kind: _BUILDERS[kind](template) for kind in FIGURES},
        parts={ECHO: echo_text(typed)},
        summary=SUMMARY,
    )
