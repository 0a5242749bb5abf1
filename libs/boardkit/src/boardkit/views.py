"""Live views: what a time-series board declares, and the pure logic that turns frames
into a full figure or into the few new points a browser is missing.

A board gives a :class:`LiveView`: how to fetch a frame (its ``data.py``), how to split
rows into traces (pure) and how to draw traces (pure). The kit does the rest: picker,
window, polling, shared cache, states and CSV.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
from dash.development.base_component import Component
from ngsi import AsyncQuantumLeapClient, FiwareContext
from tenant_context import Theme

from boardkit.clients import Clients
from boardkit.frames import Frame
from boardkit.windows import Window


@dataclass(frozen=True, slots=True)
class Trace:
    """One trace's points. ``key`` is stable across polls (e.g. ``"<entity>/roughness"``);
    ``columns`` maps Plotly attribute paths (``"x"``, ``"y"``, ``"marker.size"``…) to
    values, and every trace of a view has the same paths."""

    key: str
    name: str
    columns: Mapping[str, Sequence[Any]]
    group: str = ""

    def __len__(self) -> int:
        return len(self.columns.get("x", ()))


@dataclass(frozen=True, slots=True)
class ViewContext:
    """What pure trace and figure builders may depend on."""

    theme: Theme
    zone: ZoneInfo
    settings: Mapping[str, Any] = field(default_factory=dict)
    entities: tuple[str, ...] = ()
    window: Window | None = None
    now: datetime | None = None
    """When a panel view's rendering was made (pure renderers read the time here)."""
    choices: Mapping[str, Any] = field(default_factory=dict)
    """A panel view's controls as this viewer has set them, by control name."""


Fetch = Callable[[AsyncQuantumLeapClient, FiwareContext, "str | None", Window], Awaitable[Frame]]
TraceBuilder = Callable[[Frame, ViewContext], list[Trace]]
FigureBuilder = Callable[[list[Trace], ViewContext], go.Figure]
RedrawCheck = Callable[[Frame, Frame], bool]


@dataclass(frozen=True, slots=True)
class LiveHeader:
    """Components above a live view's figure drawn from a source of their own, e.g. each
    shown entity's current values in Orion beside its history.

    ``fetch(clients, fiware)`` runs once per tenant and ``key`` per poll interval through
    the shared cache, whatever the number of viewers; ``render(data, entities)`` is pure
    and gets the picked entities (empty: none picked). While it has no data, the header
    says "``label``: " and why.
    """

    key: tuple[str, ...]
    fetch: Callable[[Clients, FiwareContext], Awaitable[Any]]
    render: Callable[[Any, tuple[str, ...]], Component]
    label: str = "Current values"


@dataclass(frozen=True, slots=True)
class LiveView:
    """A live time-series view of one entity type.

    ``fetch(ql, fiware, entity_id, window)`` is called once per selected entity, or once
    with ``entity_id=None`` when ``pick_entities`` is False (one query for the whole type).
    ``needs_redraw(window_frame, new_rows)`` may ask for a full redraw instead of appending
    (e.g. when a newer inspection replaces an item already on screen).
    """

    entity_type: str
    attrs: tuple[str, ...]
    fetch: Fetch
    traces: TraceBuilder
    figure: FigureBuilder
    pick_entities: bool = True
    multi: bool = True
    default_window: str = "last_n"
    default_last_n: int = 100
    needs_redraw: RedrawCheck | None = None
    x_label: str = "time"
    y_label: str = "value"
    entity_label: str = "Machines"
    """What the picked entities are to the board's users (the picker's label)."""
    header: LiveHeader | None = None
    """Components above the figure, refreshed with the figure's poll interval (e.g. the
    entity monitor's current-value cards)."""


@dataclass(frozen=True, slots=True)
class Extension:
    """The ``extendData`` payload: new points, the trace indices, and how many points each
    trace keeps (its count in the current window, so the window rolls)."""

    update: dict[str, list[list[Any]]]
    indices: list[int]
    max_points: dict[str, list[int]]

    def as_prop(self) -> list[Any]:
        """The value for ``dcc.Graph.extendData``."""
        return [self.update, self.indices, self.max_points]


def extension(
    keys: Sequence[str], window_traces: Sequence[Trace], new_traces: Sequence[Trace], cap: int
) -> Extension | None:
    """What to append for ``new_traces``, or None when a full redraw is needed (a trace not
    on screen yet, or traces with different attribute paths)."""
    fresh = [t for t in new_traces if len(t)]
    if not fresh:
        return Extension({}, [], {})
    paths = list(fresh[0].columns)
    if any(list(t.columns) != paths for t in fresh):
        return None
    position = {key: i for i, key in enumerate(keys)}
    if any(t.key not in position for t in fresh):
        return None
    counts = {t.key: len(t) for t in window_traces}
    update = {path: [list(t.columns[path]) for t in fresh] for path in paths}
    keep = [max(1, min(cap, counts.get(t.key, len(t)))) for t in fresh]
    return Extension(update, [position[t.key] for t in fresh], {p: keep for p in paths})


def empty_figure(message: str, context: ViewContext) -> go.Figure:
    """A blank figure with ``message`` in the middle (no data, unavailable, bad window)."""
    from boardkit.theme import figure_template

    figure = go.Figure()
    figure.update_layout(
        template=figure_template(context.theme),
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": message,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "font": {"size": 16},
            }
        ],
    )
    return figure
