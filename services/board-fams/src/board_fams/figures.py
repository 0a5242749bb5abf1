"""Figures of the fatigue board: pure functions from a snapshot to a plotly figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TypeAlias

import plotly.graph_objects as go
from boardkit import THRESHOLD_COLOR, series_color

from board_fams.workers import FatigueSnapshot, line_sort_key

# A template name or object: the kit's templates match the page's light or dark mode.
Template: TypeAlias = "str | go.layout.Template"

FATIGUE_RANGE = (0.0, 10.0)
_MINUTE_TICKS_UP_TO = timedelta(minutes=20)
LIMIT_COLOUR = THRESHOLD_COLOR


def line_colours(lines: Sequence[str]) -> dict[str, str]:
    """One colour per line, stable for a given ordered set of lines, any number of lines."""
    return {line: series_color(i) for i, line in enumerate(lines)}


def all_lines(snapshot: FatigueSnapshot) -> list[str]:
    """Every line in the snapshot, in display order, so the three figures share colours."""
    seen = [h.line for h in snapshot.history]
    seen.extend(line.line for line in snapshot.lines if line.line not in seen)
    return sorted(seen, key=line_sort_key)


def lines_over_limit(snapshot: FatigueSnapshot, limit: float) -> list[str]:
    """Lines whose current mean fatigue is above the limit."""
    return [line.line for line in snapshot.lines if line.mean > limit]


def _empty(title: str, message: str, template: Template) -> go.Figure:
    fig = go.Figure(layout={"template": template, "title": {"text": title}})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


def share_figure(snapshot: FatigueSnapshot, template: Template) -> go.Figure:
    """Pie of connected workers per line."""
    title = "Share of workers per line"
    if not snapshot.lines:
        return _empty(title, "No connected workers", template)
    colours = line_colours(all_lines(snapshot))
    names = [line.line for line in snapshot.lines]
    fig = go.Figure(
        go.Pie(
            labels=names,
            values=[line.workers for line in snapshot.lines],
            marker={"colors": [colours[n] for n in names]},
            sort=False,
            hovertemplate="%{label}: %{value} worker(s), %{percent}<extra></extra>",
        ),
        layout={"template": template, "title": {"text": title}},
    )
    return fig


def current_figure(snapshot: FatigueSnapshot, limit: float, template: Template) -> go.Figure:
    """Bars of current mean fatigue per line with spread, the limit drawn across.

    Lines above the limit are filled in the alarm colour so they stand out at a glance.
    """
    title = "Current fatigue per line"
    if not snapshot.lines:
        return _empty(title, "No connected workers", template)
    colours = line_colours(all_lines(snapshot))
    names = [line.line for line in snapshot.lines]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=[line.mean for line in snapshot.lines],
            error_y={"type": "data", "array": [line.spread for line in snapshot.lines]},
            marker={
                "color": [
                    LIMIT_COLOUR if line.mean > limit else colours[line.line]
                    for line in snapshot.lines
                ]
            },
            customdata=[
                [line.workers, line.spread, line.low, line.high] for line in snapshot.lines
            ],
            hovertemplate=(
                "%{x}: %{y:.1f} ± %{customdata[1]:.1f} (min %{customdata[2]:.1f}, "
                "max %{customdata[3]:.1f}) over %{customdata[0]} worker(s)<extra></extra>"
            ),
        ),
        layout={"template": template, "title": {"text": title}},
    )
    fig.update_yaxes(range=list(FATIGUE_RANGE), title_text="Fatigue (0-10)")
    _draw_limit(fig, limit)
    return fig


def history_figure(
    snapshot: FatigueSnapshot, limit: float, template: Template, timezone: str
) -> go.Figure:
    """Per-minute fatigue per line over time, in the tenant's timezone, limit drawn."""
    title = "Fatigue over time per line"
    if not snapshot.history:
        return _empty(title, "No fatigue readings in this window", template)
    colours = line_colours(all_lines(snapshot))
    fig = go.Figure(layout={"template": template, "title": {"text": title}})
    for history in snapshot.history:
        # Plotly would shift aware datetimes to the browser's zone; naive wall-clock times
        # in the tenant's zone show what the tenant's clocks say.
        times = [t.replace(tzinfo=None) for t in history.times]
        fig.add_trace(
            go.Scatter(
                x=times,
                y=list(history.values),
                name=history.line,
                mode="lines+markers",
                line={"color": colours[history.line]},
                marker={
                    "color": [
                        LIMIT_COLOUR if v is not None and v > limit else colours[history.line]
                        for v in history.values
                    ],
                    "size": [10 if v is not None and v > limit else 6 for v in history.values],
                },
                connectgaps=False,
            )
        )
    fig.update_yaxes(range=list(FATIGUE_RANGE), title_text="Fatigue (0-10)")
    fig.update_xaxes(title_text=f"Time ({timezone})", tickformat="%H:%M")
    minutes = snapshot.history[0].times
    if minutes[-1] - minutes[0] <= _MINUTE_TICKS_UP_TO:
        # Plotly would otherwise tick every few seconds, each labelled with the same minute.
        fig.update_xaxes(dtick=60_000)
    _draw_limit(fig, limit)
    return fig


def _draw_limit(fig: go.Figure, limit: float) -> None:
    fig.add_hline(
        y=limit,
        line={"color": LIMIT_COLOUR, "dash": "dash"},
        annotation_text=f"limit {limit:g}",
        annotation_position="top left",
    )
    fig.add_hrect(y0=limit, y1=FATIGUE_RANGE[1], fillcolor=LIMIT_COLOUR, opacity=0.08, line_width=0)
