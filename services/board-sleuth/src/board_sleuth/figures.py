"""Pure shaping and drawing for the three inspection boards."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from boardkit import (
    ALERT_COLOR,
    CALM_COLOR,
    ENTITY,
    THRESHOLD_COLOR,
    Frame,
    Trace,
    ViewContext,
    figure_template,
    local_naive,
)

from board_sleuth.ids import (
    AREA,
    CONFORMANCE,
    CONFORMING_KEY,
    OKAY,
    SCRAP_KEY,
    SPEC,
    SPEC_KEY,
    defect_key,
)

_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "cross", "x")


def short_name(entity_id: str) -> str:
    """``urn:ngsi-ld:inspection_demo:cam1`` → ``cam1``."""
    return entity_id.rsplit(":", 1)[-1]


def bubble_size(area: Any) -> float:
    """Marker size for a defect area in [0, 1] (bigger area, bigger bubble)."""
    try:
        value = float(area)
    except (TypeError, ValueError):
        return 6.0
    return 6.0 + 40.0 * max(0.0, min(1.0, value))


# ---- sleuth: defect area over time -------------------------------------------------


def defect_traces(frame: Frame, view: ViewContext) -> list[Trace]:
    """Per camera two traces: points where a defect is likely (``okay`` true — the
    producer's naming) and points where it is not."""
    entities = frame.column(ENTITY)
    areas, likely = frame.column(AREA), frame.column(OKAY)
    order = list(view.entities) or list(dict.fromkeys(entities))
    traces: list[Trace] = []
    for entity_id in order:
        for flag in (True, False):
            rows = [i for i, e in enumerate(entities) if e == entity_id and bool(likely[i]) is flag]
            label = "defect likely" if flag else "no defect"
            traces.append(
                Trace(
                    key=defect_key(entity_id, flag),
                    name=f"{short_name(entity_id)} · {label}",
                    columns={
                        "x": [local_naive(frame.times[i], view.zone) for i in rows],
                        "y": [areas[i] for i in rows],
                        "marker.size": [bubble_size(areas[i]) for i in rows],
                    },
                    group=entity_id,
                )
            )
    return traces


def defect_figure(traces: list[Trace], view: ViewContext) -> go.Figure:
    """Bubbles over time: height and size are the defect area, coral where a defect is
    likely, silver where not; one marker shape per camera."""
    figure = go.Figure()
    shapes: dict[str, str] = {}
    for trace in traces:
        symbol = shapes.setdefault(trace.group, _SYMBOLS[len(shapes) % len(_SYMBOLS)])
        likely = trace.key.endswith("/defect")
        figure.add_trace(
            go.Scatter(
                x=list(trace.columns["x"]),
                y=list(trace.columns["y"]),
                name=trace.name,
                mode="markers",
                marker={
                    "size": list(trace.columns["marker.size"]),
                    "color": ALERT_COLOR if likely else CALM_COLOR,
                    "symbol": symbol,
                    "line": {"width": 1, "color": "#6c757d"},
                    "opacity": 0.8,
                },
            )
        )
    figure.update_layout(
        template=figure_template(view.theme),
        legend_title_text="Defect?",
        xaxis_title=f"time ({view.zone})",
        yaxis_title="defect area (fraction of surface)",
        yaxis_range=[0, 1.05],
    )
    return figure


# ---- raw materials and tweezers: conformance per item ------------------------------


def latest_per_item(frame: Frame) -> list[dict[str, Any]]:
    """The newest inspection of each item, items in order of that inspection's time."""
    latest: dict[str, dict[str, Any]] = {}
    for row in frame.rows():
        latest.pop(str(row[ENTITY]), None)
        latest[str(row[ENTITY])] = row
    return list(latest.values())


def spec_value(raw: Any) -> float | None:
    """The spec threshold of a measurement (sent as a decimal string), or None."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if 0.0 < value < 1.0 else None


def item_traces(frame: Frame, view: ViewContext, *, with_spec: bool = False) -> list[Trace]:
    """Scrap and conforming bars (latest inspection per item) and, for tweezers, the spec
    threshold of each item."""
    items = latest_per_item(frame)
    traces: list[Trace] = []
    for key, name, scrap in ((SCRAP_KEY, "scrap", True), (CONFORMING_KEY, "conforms", False)):
        chosen = [r for r in items if (not bool(r.get(OKAY))) is scrap]
        traces.append(
            Trace(
                key=key,
                name=name,
                columns={
                    "x": [short_name(str(r[ENTITY])) for r in chosen],
                    "y": [r.get(CONFORMANCE) for r in chosen],
                    "customdata": [local_naive(r["time"], view.zone) for r in chosen],
                },
            )
        )
    if with_spec:
        measured = [r for r in items if spec_value(r.get(SPEC)) is not None]
        traces.append(
            Trace(
                key=SPEC_KEY,
                name="spec threshold",
                columns={
                    "x": [short_name(str(r[ENTITY])) for r in measured],
                    "y": [spec_value(r.get(SPEC)) for r in measured],
                    "customdata": [local_naive(r["time"], view.zone) for r in measured],
                },
            )
        )
    return traces


def tweezers_traces(frame: Frame, view: ViewContext) -> list[Trace]:
    """:func:`item_traces` with the spec threshold."""
    return item_traces(frame, view, with_spec=True)


def item_figure(traces: list[Trace], view: ViewContext) -> go.Figure:
    """Conformance per item: coral bars are scrap, silver bars conform, the red step line
    is each item's spec threshold (values at or below it conform)."""
    figure = go.Figure()
    # Items read left to right in inspection order; appended items go to the right.
    order = sorted(
        {
            x: w
            for t in traces
            for x, w in zip(t.columns["x"], t.columns["customdata"], strict=False)
        }.items(),
        key=lambda item: str(item[1]),
    )
    hover = "%{x}<br>conformance %{y:.3f}<br>inspected %{customdata}<extra>%{fullData.name}</extra>"
    for trace in traces:
        x, y, when = list(trace.columns["x"]), list(trace.columns["y"]), trace.columns["customdata"]
        if trace.key == SPEC_KEY:
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    customdata=list(when),
                    name=trace.name,
                    mode="lines",
                    line={"color": THRESHOLD_COLOR, "dash": "dash", "shape": "hvh"},
                    hovertemplate="%{x}<br>spec %{y}<extra></extra>",
                )
            )
            continue
        figure.add_trace(
            go.Bar(
                x=x,
                y=y,
                customdata=list(when),
                name=trace.name,
                marker={"color": ALERT_COLOR if trace.key == SCRAP_KEY else CALM_COLOR},
                hovertemplate=hover,
            )
        )
    figure.update_layout(
        template=figure_template(view.theme),
        legend_title_text="Scrap?",
        xaxis_title={"text": "item", "standoff": 16},
        # Rotated item labels take the room they need, and the axis title goes below them.
        xaxis_automargin=True,
        xaxis_tickangle=-45,
        xaxis_type="category",
        xaxis_categoryorder="array",
        xaxis_categoryarray=[item for item, _ in order],
        yaxis_title="conformance (0 = no deviation, 1 = probable scrap)",
        yaxis_range=[0, 1.05],
        bargap=0.2,
    )
    return figure


def item_seen_before(window: Frame, new: Frame) -> bool:
    """Whether a new inspection is of an item already on screen (its bar must move, so
    the figure is redrawn instead of appended to)."""
    fresh = set(new.column(ENTITY))
    older = window.times[: len(window) - len(new)]
    return any(e in fresh for e in window.column(ENTITY)[: len(older)])
