"""Panel views: boards that are not one time series per entity.

A board declares its data sources (what to fetch from QuantumLeap or Orion each
interval), one pure ``render`` from the sources' data to named figures, parts and tabs,
and a ``layout`` that places those slots and the viewer's controls. The kit owns the
rest: polling at the tenant's interval, the shared cache (one query per source per
interval and choice, whatever the number of viewers), states, freshness, theming, the
choices kept in the address, and sending each viewer only what changed in each figure
(:mod:`boardkit.patches`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component
from ngsi import FiwareContext

from boardkit import ids
from boardkit.clients import Clients
from boardkit.palettes import Palette
from boardkit.states import Status
from boardkit.views import ViewContext, empty_figure


@dataclass(frozen=True, slots=True)
class SourceRequest:
    """What a source's query may depend on: the tenant's board settings, the time the
    interval's query is made and the viewer's choices the source names."""

    settings: Mapping[str, Any]
    now: datetime
    choices: Mapping[str, str] = field(default_factory=dict)


SourceFetch = Callable[[Clients, FiwareContext, SourceRequest], Awaitable[Any]]
"""Returns a :class:`~boardkit.frames.Frame` (rows over time) or a plain JSON value
(text, numbers, lists, dicts, None: e.g. an entity's current state from Orion)."""


@dataclass(frozen=True, slots=True)
class Source:
    """One query a panel view makes each interval, shared by every viewer of the tenant
    who made the same ``choices``.

    ``name`` keys its data in what ``render`` receives and its cache entry. ``choices``
    names the viewer choices the query depends on (their values reach ``fetch`` in
    ``request.choices``); while one of them has no value the source is not queried and
    ``render`` receives :data:`NOT_CHOSEN` for it.
    """

    name: str
    fetch: SourceFetch
    choices: tuple[str, ...] = ()


NOT_CHOSEN = Status("idle", "Make a choice to see data.")

SourceData = Mapping[str, Any]
"""Each source's frame or value, or the :class:`Status` saying why it has none this
interval."""


@dataclass(frozen=True, slots=True)
class Picker:
    """A viewer's choice among the values a source lists (the tenant's insights, say).

    ``source`` returns the option values (a list of text) and is refreshed every
    ``entity_refresh_seconds``, or at each poll when the view polls more often; new
    options appear without changing the viewer's choice.
    ``label`` heads the dropdown and ``noun`` (plural) words its notes: "Loading
    insights…", "No insights yet", "… is not among this tenant's insights". Until the
    viewer picks, the first option is chosen.
    """

    name: str
    source: Source
    label: str
    noun: str


@dataclass(frozen=True, slots=True)
class Tab:
    """One tab of a tab set ``render`` returns: its id (kept in the address when the tab
    set is), its label and what it shows while chosen."""

    id: str
    label: str
    content: Any


@dataclass(frozen=True, slots=True)
class Panels:
    """What ``render`` shows: figures, parts and tab sets by slot name, a one-line
    summary for the status line (``""`` when there is nothing to show yet) and the newest
    data time.

    A slot left out keeps what the viewer has (or says why it is empty on first load).
    ``status``, when given, is what the status line says instead of the summary or a
    source's failure (e.g. "This insight holds no KPI recommendations.").
    """

    figures: Mapping[str, go.Figure | dict[str, Any]] = field(default_factory=dict)
    parts: Mapping[str, Any] = field(default_factory=dict)
    tabs: Mapping[str, Sequence[Tab]] = field(default_factory=dict)
    summary: str = ""
    last_time: datetime | None = None
    status: Status | None = None


Render = Callable[[SourceData, ViewContext], Panels]


class Slots:
    """Builds a panel view's slots for its ``layout`` (the kit fills them)."""

    def __init__(
        self,
        board: str,
        loading: ViewContext,
        pickers: Sequence[Picker] = (),
        palettes: Sequence[Palette] = (),
    ) -> None:
        self._board = board
        self._loading = loading
        self._pickers = {picker.name: picker for picker in pickers}
        self._palettes = tuple(palettes)

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

    def picker(self, name: str) -> Component:
        """Picker ``name``'s dropdown (the kit fills its options) and the note under it."""
        picker = self._pickers[name]
        return html.Div(
            [
                dbc.Label(picker.label),
                dcc.Dropdown(
                    id=control_id(self._board, name),
                    options=[],
                    value=None,
                    placeholder=f"Loading {picker.noun}…",
                    clearable=False,
                ),
                dbc.FormText(id=ids.control_note(self._board, name), children=""),
            ]
        )

    def theme_picker(self) -> Component:
        """The kit's light/dark switch and, when the board offers palettes, its palette
        picker (the view declares ``theme_picker=True``); the page and its figures follow
        them, and the address keeps them."""
        parts: list[Component] = [
            dbc.Label("Mode"),
            dbc.RadioItems(
                id=ids.theme_choice(self._board),
                options=[
                    {"label": "Light", "value": "light"},
                    {"label": "Dark", "value": "dark"},
                ],
                value=self._loading.theme,
                inline=True,
                className="mb-2",
            ),
        ]
        if self._palettes:
            parts += [
                dbc.Label("Colour theme"),
                dbc.Select(
                    id=ids.palette_choice(self._board),
                    options=[{"label": p.label, "value": p.slug} for p in self._palettes],
                    value=self._palettes[0].slug,
                ),
            ]
        return html.Div(parts)

    def wide(self, component: Component) -> Component:
        """``component`` across the whole page width below the explanation (on wide
        screens), instead of beside it: for a body much taller than the explanation."""
        return html.Div(component, className="bk-wide")

    def tabs(self, name: str) -> Component:
        """Tab set ``name``: its tabs, then what the chosen tab shows (``render`` returns
        both as ``Panels.tabs[name]``)."""
        return html.Div(
            [
                dbc.Tabs(id=control_id(self._board, name), children=[]),
                html.Div("Loading…", id=ids.slot(self._board, name)),
            ]
        )


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
    The viewer's choices, all read by ``render`` in ``view.choices`` (a change
    re-renders at once for that viewer):

    - ``controls``: inputs ``layout`` places with ids from :meth:`Slots.control`;
    - ``pickers``: dropdowns whose options a source lists (:meth:`Slots.picker`);
    - ``tabs``: tab sets ``render`` fills (:meth:`Slots.tabs`); the chosen tab stays
      while it is among the tabs, else the first is shown.

    A source sees only the choices it names. ``in_address`` names the choices the page
    address keeps (``?name=value``): a copied link or a reload opens the same view, and
    a value that is not (or no longer) there falls back as for a new viewer.
    ``refresh_seconds`` is the poll interval when the tenant sets none (None: the
    service's ``refresh_seconds``). ``theme_picker``: ``layout`` places the kit's
    light/dark switch and palette picker (:meth:`Slots.theme_picker`); ``render`` then
    draws in the theme chosen there (``view.theme``).
    """

    sources: tuple[Source, ...]
    figures: tuple[str, ...]
    parts: tuple[str, ...]
    layout: Layout
    render: Render
    controls: tuple[str, ...] = ()
    pickers: tuple[Picker, ...] = ()
    tabs: tuple[str, ...] = ()
    in_address: tuple[str, ...] = ()
    refresh_seconds: float | None = None
    theme_picker: bool = False

    @property
    def choices(self) -> tuple[str, ...]:
        """Every choice's name: controls, pickers, then tab sets."""
        return (*self.controls, *(p.name for p in self.pickers), *self.tabs)

    @property
    def pushed(self) -> tuple[Source, ...]:
        """The sources whose new answers are pushed to the page: the pickers' lists and
        every source that depends on no choice but pickers' (one feed per option, shared
        by the viewers who picked it). A source that depends on a control or a tab is
        only polled: its choices are not among values the tenant lists."""
        picked = {p.name for p in self.pickers}
        listed = tuple(p.source for p in self.pickers)
        return (*listed, *(s for s in self.sources if set(s.choices) <= picked))

    def __post_init__(self) -> None:
        names = [s.name for s in (*self.sources, *(p.source for p in self.pickers))]
        if len(set(names)) != len(names):
            raise ValueError("source names must be unique")
        slots = [*self.figures, *self.parts, *self.tabs]
        if len(set(slots)) != len(slots):
            raise ValueError("slot names (figures, parts, tab sets) must be unique")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError("choice names (control names, pickers, tab sets) must be unique")
        for source in (*self.sources, *(p.source for p in self.pickers)):
            unknown = set(source.choices) - set(self.choices)
            if unknown:
                raise ValueError(f"source {source.name!r} names unknown choices {unknown}")
        if any(p.source.choices for p in self.pickers):
            raise ValueError("a picker's options are the same for every viewer: no choices")
        if set(self.in_address) - set(self.choices):
            raise ValueError("in_address names must be choices of the view")
