"""Panel views: boards that are not one time series per entity.

A board declares its data sources (what to fetch from QuantumLeap each interval), one
pure ``render`` from the sources' data to named figures and parts, and a ``layout`` that
places those slots. The kit owns the rest: polling at the tenant's interval, the shared
cache (one query per source per interval whatever the number of viewers), states,
freshness, theming, and sending each viewer only what changed in each figure
(:mod:`boardkit.patches`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component
from ngsi import AsyncQuantumLeapClient, FiwareContext

from boardkit import ids
from boardkit.frames import Frame
from boardkit.states import Status
from boardkit.views import ViewContext, empty_figure


@dataclass(frozen=True, slots=True)
class SourceRequest:
    """What a source's query may depend on: the tenant's board settings and the time the
    interval's query is made."""

    settings: Mapping[str, Any]
    now: datetime


SourceFetch = Callable[[AsyncQuantumLeapClient, FiwareContext, SourceRequest], Awaitable[Frame]]


@dataclass(frozen=True, slots=True)
class Source:
    """One query a panel view makes each interval, shared by every viewer of the tenant.

    ``name`` keys its data in what ``render`` receives and its cache entry.
    """

    name: str
    fetch: SourceFetch


SourceData = Mapping[str, "Frame | Status"]
"""Each source's frame, or the :class:`Status` saying why it has none this interval."""


@dataclass(frozen=True, slots=True)
class Panels:
    """What ``render`` shows: figures and parts by slot name, a one-line summary for the
    status line (``""`` when there is nothing to show yet) and the newest data time.

    A slot left out keeps what the viewer has (or says why it is empty on first load).
    """

    figures: Mapping[str, go.Figure | dict[str, Any]] = field(default_factory=dict)
    parts: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""
    last_time: datetime | None = None


Render = Callable[[SourceData, ViewContext], Panels]


class Slots:
    """Builds a panel view's slots for its ``layout`` (the kit fills them)."""

    def __init__(self, board: str, loading: ViewContext) -> None:
        self._board = board
        self._loading = loading

    @property
    def view(self) -> ViewContext:
        """The request's theme and zone, for controls that start from them."""
        return self._loading

    def figure(self, name: str, height: str = "40vh") -> Component:
        """A figure slot, showing *Loading…* until the first answer."""
        return dcc.Graph(
            id=ids.slot(self._board, name),
            figure=empty_figure("Loading…", self._loading),
            config={"displaylogo": False, "responsive": True},
            style={"height": height},
        )

    def part(self, name: str, class_name: str = "") -> Component:
        """A slot for components (text, alerts, tables)."""
        return html.Div("Loading…", id=ids.slot(self._board, name), className=class_name)

    def control(self, name: str) -> dict[str, Any]:
        """The id to give the input component of control ``name`` (its ``value`` reaches
        ``render`` as ``view.choices[name]``)."""
        return control_id(self._board, name)


def control_id(board: Any, name: str) -> dict[str, Any]:
    """The id a panel view's control carries; the kit reads its ``value``. ``board`` may
    be a pattern (``MATCH``) for a board's own callbacks on the same component."""
    return {"type": "bk-control", "board": board, "control": name}


Layout = Callable[[Slots], Component]


@dataclass(frozen=True, slots=True)
class PanelView:
    """A board of several figures and parts fed by a few sources.

    ``figures`` and ``parts`` name the slots ``layout`` places (every one must be placed
    exactly once); ``render(data, view)`` is pure and returns :class:`Panels`.
    ``controls`` name the viewer's own inputs ``layout`` places (ids from
    :meth:`Slots.control`): a change re-renders at once for that viewer, and ``render``
    reads their values in ``view.choices``. Sources do not see them: every viewer of a
    tenant shares the same queries.
    """

    sources: tuple[Source, ...]
    figures: tuple[str, ...]
    parts: tuple[str, ...]
    layout: Layout
    render: Render
    controls: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [s.name for s in self.sources]
        if len(set(names)) != len(names):
            raise ValueError("source names must be unique")
        slots = [*self.figures, *self.parts]
        if len(set(slots)) != len(slots):
            raise ValueError("slot names must be unique")
        if len(set(self.controls)) != len(self.controls):
            raise ValueError("control names must be unique")
