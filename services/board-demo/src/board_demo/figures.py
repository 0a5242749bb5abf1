"""The showcase's sample figures, one pure function each, for a given plotly template."""

from __future__ import annotations

from typing import TypeAlias

import plotly.graph_objects as go

from board_demo.samples import PLANTS, DailyOutput, batches, daily_output

# A template name or object: the kit's templates match the page's light or dark mode.
Template: TypeAlias = "str | go.layout.Template"


def output_trend(template: Template, data: DailyOutput | None = None) -> go.Figure:
    """Line chart: parts per day for each plant."""
    data = data or daily_output()
    fig = go.Figure(layout={"template": template, "title": {"text": "Parts per day by plant"}})
    for plant in PLANTS:
        fig.add_trace(go.Scatter(x=list(data.days), y=list(data.parts[plant]), name=plant))
    fig.update_yaxes(title_text="Parts")
    return fig


def energy_scatter(template: Template) -> go.Figure:
    """Scatter: energy against cycle time, bubble size by batch size, one colour per plant."""
    all_batches = batches()
    fig = go.Figure(
        layout={"template": template, "title": {"text": "Energy against cycle time per batch"}}
    )
    for plant in PLANTS:
        mine = [b for b in all_batches if b.plant == plant]
        fig.add_trace(
            go.Scatter(
                x=[b.cycle_minutes for b in mine],
                y=[b.energy_kwh for b in mine],
                mode="markers",
                name=plant,
                marker={
                    "size": [b.size for b in mine],
                    "sizemode": "area",
                    "sizeref": 2.0 * 400 / 30**2,
                    "opacity": 0.7,
                },
                customdata=[b.size for b in mine],
                hovertemplate="%{x} min, %{y} kWh, %{customdata} parts<extra>" + plant + "</extra>",
            )
        )
    fig.update_xaxes(title_text="Cycle time (min)")
    fig.update_yaxes(title_text="Energy (kWh)")
    return fig


def cycle_histogram(template: Template) -> go.Figure:
    """Histogram of batch cycle times."""
    fig = go.Figure(
        go.Histogram(x=[b.cycle_minutes for b in batches()], nbinsx=30, name="Batches"),
        layout={"template": template, "title": {"text": "Distribution of cycle times"}},
    )
    fig.update_xaxes(title_text="Cycle time (min)")
    fig.update_yaxes(title_text="Batches")
    return fig


def weekday_heatmap(template: Template, data: DailyOutput | None = None) -> go.Figure:
    """Heatmap: mean parts per weekday and plant."""
    data = data or daily_output()
    weekdays = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    means: list[list[float]] = []
    for plant in PLANTS:
        row = []
        for wd in range(7):
            values = [
                p for d, p in zip(data.days, data.parts[plant], strict=True) if d.weekday() == wd
            ]
            row.append(round(sum(values) / len(values), 1) if values else 0.0)
        means.append(row)
    total = sum(sum(data.parts[p]) for p in PLANTS)
    return go.Figure(
        go.Heatmap(
            z=means, x=list(weekdays), y=list(PLANTS), colorbar={"title": {"text": "Parts"}}
        ),
        layout={
            "template": template,
            "title": {"text": f"Mean parts per weekday ({total:,} parts in total)"},
        },
    )
