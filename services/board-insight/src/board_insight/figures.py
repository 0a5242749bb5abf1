"""KPI figures of the insight boards: pure functions from data to a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TypeAlias

import plotly.graph_objects as go
from boardkit.theme import series_color

from board_insight.recommendations import Recommendation

# A template name or object: the kit's templates match the page's light or dark mode.
Template: TypeAlias = "str | go.layout.Template"

KPI_COLOUR = series_color(0)
BEST_COLOUR = series_color(2)
BEST_WINDOW = timedelta(hours=24)


def _base(rec: Recommendation, template: Template, timezone: str) -> go.Figure:
    fig = go.Figure(layout={"template": template, "title": {"text": f"{rec.kpi} over time"}})
    fig.update_xaxes(title_text=f"Time ({timezone})")
    fig.update_yaxes(title_text=rec.kpi)
    return fig


def _message(fig: go.Figure, text: str) -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


def best_value_figure(
    rec: Recommendation, *, now: datetime, tz: tzinfo, timezone: str, template: Template
) -> go.Figure:
    """The estimated best value held over the last day.

    The Insights entity in Orion carries no history, so this is the best estimate as a
    level, labelled as such, not a measured series.
    """
    fig = _base(rec, template, timezone)
    if rec.best is None:
        return _message(fig, f"No estimated best value ({rec.best_shown})")
    end = now.astimezone(tz).replace(tzinfo=None)
    fig.add_trace(
        go.Scatter(
            x=[end - BEST_WINDOW, end],
            y=[rec.best, rec.best],
            name="Estimated best",
            mode="lines",
            showlegend=True,
            line={"color": BEST_COLOUR, "dash": "dash"},
        )
    )
    return fig


def kpi_series_figure(
    rec: Recommendation,
    times: Sequence[datetime],
    values: Sequence[float | None],
    *,
    tz: tzinfo,
    timezone: str,
    template: Template,
) -> go.Figure:
    """The KPI's measured series, with the estimated best value as a reference line."""
    fig = _base(rec, template, timezone)
    if rec.best is not None:
        fig.add_hline(
            y=rec.best,
            line={"color": BEST_COLOUR, "dash": "dash"},
            annotation_text=f"estimated best {rec.best:g}",
            annotation_position="top left",
        )
    if not times:
        return _message(fig, "No KPI readings yet")
    fig.add_trace(
        go.Scatter(
            # Naive wall-clock times in the tenant's zone: plotly would otherwise show
            # aware times in the browser's zone.
            x=[t.astimezone(tz).replace(tzinfo=None) for t in times],
            y=list(values),
            name=rec.kpi,
            mode="lines+markers",
            line={"color": KPI_COLOUR},
        )
    )
    return fig
