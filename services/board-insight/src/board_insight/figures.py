"""KPI figures of the insight boards: pure functions from data to a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TypeAlias

import plotly.graph_objects as go
from boardkit import series_color

from board_insight.recommendations import Recommendation

# A template name or object: the kit's templates match the page's light or dark mode.
Template: TypeAlias = "str | go.layout.Template"

KPI_COLOUR = series_color(0)
BEST_COLOUR = series_color(2)


def _base(rec: Recommendation, template: Template, timezone: str) -> go.Figure:
    fig = go.Figure(layout={"template": template, "title": {"text": f"{rec.kpi} over time"}})
    fig.update_xaxes(title_text=f"Time ({timezone})")
    fig.update_yaxes(title_text=rec.kpi)
    return fig


def _message(fig: go.Figure, text: str) -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


def history_note(since: datetime | None, *, now: datetime, tz: tzinfo) -> str:
    """How much history the best-value chart has, in the tenant's wall-clock time."""
    if since is None:
        return "no history: only the current estimate is known"
    local = since.astimezone(tz)
    day = "%H:%M" if local.date() == now.astimezone(tz).date() else "%d %b %H:%M"
    return f"history since {local:{day}}"


def best_value_figure(
    rec: Recommendation,
    *,
    since: datetime | None,
    now: datetime,
    tz: tzinfo,
    timezone: str,
    template: Template,
) -> go.Figure:
    """The estimated best value over the time it is known to have held.

    Orion keeps only the insight's current state, stamped ``since``: the line starts there
    (a single point at ``now`` when the time is unknown), never further back.
    """
    fig = _base(rec, template, timezone)
    fig.update_layout(
        title={"text": f"{rec.kpi}: estimated best, {history_note(since, now=now, tz=tz)}"}
    )
    if rec.best is None:
        return _message(fig, f"No estimated best value ({rec.best_shown})")
    start = min(since, now) if since is not None else now
    times = [start, now] if start < now else [now]
    fig.add_trace(
        go.Scatter(
            x=[t.astimezone(tz).replace(tzinfo=None) for t in times],
            y=[rec.best for _ in times],
            name="Estimated best",
            mode="lines+markers",
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
