"""Pure figure building: frames to traces, traces to one panel per monitored attribute."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from boardkit import ENTITY, Frame, Trace, ViewContext, figure_template, local_naive, series_color
from plotly.subplots import make_subplots
from tenant_context import MonitoredAttribute

from board_monitor.spec import spec_from_settings


def trace_key(entity_id: str, attribute: str) -> str:
    """The stable key of one entity's trace of one attribute."""
    return f"{entity_id}/{attribute}"


def short_name(entity_id: str) -> str:
    """``urn:ngsi-ld:MachineTelemetry:m1`` → ``m1``."""
    return entity_id.rsplit(":", 1)[-1]


def axis_title(attribute: MonitoredAttribute) -> str:
    """``Temperature (°C)``, or just the label when the attribute has no unit."""
    unit = f" ({attribute.unit})" if attribute.unit else ""
    return attribute.display_label + unit


def build_traces(frame: Frame, view: ViewContext) -> list[Trace]:
    """One trace per entity and attribute, entities in selection order, attributes in the
    spec's order."""
    spec = spec_from_settings(view.settings)
    times = frame.times
    entities = frame.column(ENTITY)
    order = list(view.entities) or list(dict.fromkeys(entities))
    traces: list[Trace] = []
    for entity_id in order:
        rows = [i for i, e in enumerate(entities) if e == entity_id]
        xs = [local_naive(times[i], view.zone) for i in rows]
        for attribute in spec.attributes:
            values = frame.column(attribute.name)
            traces.append(
                Trace(
                    key=trace_key(entity_id, attribute.name),
                    name=f"{short_name(entity_id)} {attribute.display_label}",
                    columns={"x": xs, "y": [values[i] for i in rows]},
                    group=entity_id,
                )
            )
    return traces


def _trace(kind: str, trace: Trace, colour: str) -> go.Bar | go.Scatter:
    x, y = list(trace.columns["x"]), list(trace.columns["y"])
    common: dict[str, Any] = {"x": x, "y": y, "name": trace.name, "legendgroup": trace.group}
    if kind == "bar":
        return go.Bar(marker={"color": colour}, **common)
    if kind == "scatter":
        return go.Scatter(mode="markers", marker={"size": 6, "color": colour}, **common)
    return go.Scatter(
        mode="lines+markers", marker={"size": 4, "color": colour}, line={"color": colour}, **common
    )


def build_figure(traces: list[Trace], view: ViewContext) -> go.Figure:
    """One panel per attribute (shared time axis), the spec's chart kind and colours, and
    each threshold as a dashed line in its colour."""
    spec = spec_from_settings(view.settings)
    by_name = {attribute.name: attribute for attribute in spec.attributes}
    rows = {attribute.name: i + 1 for i, attribute in enumerate(spec.attributes)}
    figure = make_subplots(
        rows=len(spec.attributes),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.25 / len(spec.attributes),
        subplot_titles=[axis_title(attribute) for attribute in spec.attributes],
    )
    groups = list(dict.fromkeys(trace.group for trace in traces))
    several = len(groups) > 1
    for trace in traces:
        name = trace.key.rsplit("/", 1)[-1]
        attribute = by_name[name]
        # One entity: the spec's colour per attribute. Several: one colour per entity, so
        # an entity reads the same in every panel (the panel already names the attribute).
        own = attribute.color if not several else None
        colour = own or series_color(groups.index(trace.group))
        figure.add_trace(_trace(spec.chart, trace, colour), row=rows[name], col=1)
    for attribute in spec.attributes:
        for limit in attribute.thresholds:
            text = f"{limit.label} {limit.value:g}".strip() + (
                f" {attribute.unit}" if attribute.unit else ""
            )
            figure.add_hline(
                y=limit.value,
                row=rows[attribute.name],
                col=1,
                line={"color": limit.color, "dash": "dash", "width": 1.5},
                annotation_text=text,
                annotation_position="top left",
                annotation_font={"color": limit.color},
                exclude_empty_subplots=False,
            )
        figure.update_yaxes(title_text=attribute.unit or None, row=rows[attribute.name], col=1)
    figure.update_layout(
        template=figure_template(view.theme),
        showlegend=True,
        barmode="group",
        margin={"t": 40},
    )
    figure.update_xaxes(title_text=f"time ({view.zone})", row=len(spec.attributes), col=1)
    return figure
