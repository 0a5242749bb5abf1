"""Pure figure building: frames to traces, traces to the two-panel figure."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from boardkit import (
    ENTITY,
    THRESHOLD_COLOR,
    Frame,
    Trace,
    ViewContext,
    figure_template,
    local_naive,
    series_color,
    with_gaps,
)
from plotly.subplots import make_subplots

from board_roughnator.ids import ACCELERATION, ATTRIBUTES, ROUGHNESS, trace_key

DEFAULT_THRESHOLD = 2.0


def threshold(settings: dict[str, Any] | Any) -> float | None:
    """The roughness threshold from the board settings; None when it is not a number."""
    value = settings.get("roughness_threshold", DEFAULT_THRESHOLD)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def short_name(entity_id: str) -> str:
    """``urn:ngsi-ld:RoughnessEstimate:m1`` → ``m1``."""
    return entity_id.rsplit(":", 1)[-1]


def machine_name(entity_id: str) -> str:
    """How the legend names a machine: ``…:1`` → ``Machine 1``."""
    return f"Machine {short_name(entity_id)}"


def build_traces(frame: Frame, view: ViewContext) -> list[Trace]:
    """Two traces per machine (acceleration, roughness), machines in selection order."""
    times = frame.times
    entities = frame.column(ENTITY)
    order = list(view.entities) or list(dict.fromkeys(entities))
    traces: list[Trace] = []
    for entity_id in order:
        rows = [i for i, e in enumerate(entities) if e == entity_id]
        columns = {a: [frame.column(a)[i] for i in rows] for a in ATTRIBUTES}
        # Where readings are missing the lines stop instead of bridging the hole.
        gapped_times, gapped = with_gaps([times[i] for i in rows], columns)
        xs = [local_naive(t, view.zone) for t in gapped_times]
        for attribute in ATTRIBUTES:
            traces.append(
                Trace(
                    key=trace_key(entity_id, attribute),
                    name=f"{machine_name(entity_id)} · {attribute}",
                    columns={"x": xs, "y": gapped[attribute]},
                    group=entity_id,
                )
            )
    return traces


def build_figure(traces: list[Trace], view: ViewContext) -> go.Figure:
    """Acceleration on top, roughness below with the threshold line, one colour per
    machine in both panels."""
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=("Acceleration", "Estimated roughness"),
    )
    colours: dict[str, str] = {}
    for trace in traces:
        colour = colours.setdefault(trace.group, series_color(len(colours)))
        row = 1 if trace.key.endswith("/" + ACCELERATION) else 2
        figure.add_trace(
            go.Scatter(
                x=list(trace.columns["x"]),
                y=list(trace.columns["y"]),
                name=trace.name,
                mode="lines+markers",
                marker={"size": 4},
                line={"color": colour, "dash": "dot" if row == 1 else "solid"},
                connectgaps=False,
                legendgroup=trace.group,
            ),
            row=row,
            col=1,
        )
    limit = threshold(view.settings)
    if limit is not None:
        figure.add_hline(
            y=limit,
            row=2,
            col=1,
            line={"color": THRESHOLD_COLOR, "dash": "dash"},
            annotation_text=f"threshold {limit:g}",
            annotation_position="top left",
        )
    figure.update_layout(template=figure_template(view.theme), showlegend=True)
    figure.update_yaxes(title_text="m/s²", row=1, col=1)
    figure.update_yaxes(title_text=f"{ROUGHNESS} (Ra, µm)", row=2, col=1)
    figure.update_xaxes(title_text=f"time ({view.zone})", row=2, col=1)
    return figure


def latest_values(frame: Frame) -> dict[str, dict[str, Any]]:
    """Per machine, its newest acceleration, roughness and time."""
    latest: dict[str, dict[str, Any]] = {}
    entities = frame.column(ENTITY)
    accel, rough = frame.column(ACCELERATION), frame.column(ROUGHNESS)
    for i, entity_id in enumerate(entities):
        latest[str(entity_id)] = {
            "time": frame.times[i],
            ACCELERATION: accel[i],
            ROUGHNESS: rough[i],
        }
    return latest
