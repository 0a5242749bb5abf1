"""Current-value cards: each shown entity's attributes as Orion holds them now.

Only for specs with ``current_values``. The cards refresh at the tenant's poll interval
through the shared cache (one Orion query per tenant and entity type per interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import dash_bootstrap_components as dbc
from boardkit import (
    ENTITY,
    Frame,
    MalformedCallback,
    Runtime,
    Stopwatch,
    current_context,
    fiware_context,
    ids,
    status_for_error,
)
from boardkit.views import HeaderBuilder
from dash import MATCH, Dash, Input, Output, dcc, html
from dash.development.base_component import Component
from ngsi import AsyncOrionClient, FiwareContext
from tenant_context import MONITOR_BOARD, MonitorSpec, TenantContext

from board_monitor.figures import short_name
from board_monitor.spec import UnreadableSpec, spec_from_settings

CARDS = "mon-cards"
CARDS_POLL = "mon-cards-poll"
MAX_CARDS = 12


def cards_id(kind: str) -> dict[str, str]:
    """The id of a card component (dict ids, like the kit's, so ``MATCH`` applies)."""
    return {"board": MONITOR_BOARD, "type": kind}


def cards_header(refresh_seconds: float) -> Component:
    """Where the cards go, and the interval that refreshes them."""
    return html.Div(
        [
            html.Div("Loading current values…", id=cards_id(CARDS), className="mb-2 small"),
            dcc.Interval(id=cards_id(CARDS_POLL), interval=int(refresh_seconds * 1000)),
        ]
    )


async def fetch_current(orion: AsyncOrionClient, fiware: FiwareContext, spec: MonitorSpec) -> Frame:
    """The spec's attributes of every entity of its type, as Orion holds them now."""
    attrs = [attribute.name for attribute in spec.attributes]
    found = await orion.list_entities(fiware, type=spec.entity_type, attrs=attrs, key_values=True)
    found = sorted(found, key=lambda e: str(e.get("id")))
    now = datetime.now(UTC)
    columns: dict[str, list[Any]] = {ENTITY: [str(e.get("id")) for e in found]}
    for name in attrs:
        columns[name] = [e.get(name) for e in found]
    return Frame(tuple(now for _ in found), columns)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "no value"
    return f"{value:,.6g}"


def _crossed(spec_value: Any, thresholds: Sequence[Any]) -> str | None:
    """The colour of the highest threshold the value is at or above, if any."""
    if isinstance(spec_value, bool) or not isinstance(spec_value, int | float):
        return None
    reached = [t for t in thresholds if spec_value >= t.value]
    return max(reached, key=lambda t: t.value).color if reached else None


def render_cards(spec: MonitorSpec, frame: Frame, selection: Sequence[str]) -> Component:
    """One card per selected entity (all, when none is selected), one line per attribute."""
    entities = [str(e) for e in frame.column(ENTITY)]
    wanted = [e for e in selection if e in entities] or entities
    if not wanted:
        return html.Div(f"No current values in Orion for {spec.entity_type} yet.")
    cards = []
    for entity_id in wanted[:MAX_CARDS]:
        row = entities.index(entity_id)
        lines = []
        for attribute in spec.attributes:
            value = frame.column(attribute.name)[row]
            colour = _crossed(value, attribute.thresholds)
            unit = f" {attribute.unit}" if attribute.unit else ""
            lines.append(
                html.Div(
                    [
                        html.Span(attribute.display_label, className="text-body-secondary"),
                        html.Span(
                            _number(value) + unit,
                            className="fw-semibold",
                            style={"color": colour} if colour else {},
                        ),
                    ],
                    className="d-flex justify-content-between gap-3",
                )
            )
        cards.append(
            dbc.Col(
                dbc.Card(
                    dbc.CardBody([html.Div(short_name(entity_id), className="fw-bold"), *lines]),
                    className="mon-card",
                ),
                xs=12,
                sm=6,
                lg=4,
            )
        )
    grid: Component = dbc.Row(cards, className="g-2")
    return grid


def _selection(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise MalformedCallback("the entity selection must be ids")


def register_cards(app: Dash, runtime: Runtime) -> None:
    """The one callback filling the cards of whichever monitor the request is for."""

    @app.callback(
        Output(cards_id(CARDS) | {"board": MATCH}, "children"),
        Input(cards_id(CARDS_POLL) | {"board": MATCH}, "n_intervals"),
        Input(ids.entities(MATCH), "value"),
    )
    async def refresh_cards(_tick: int | None, selection: Any) -> Any:
        context = current_context()
        chosen = _selection(selection)
        return await current_cards(runtime, context, chosen)


async def current_cards(
    runtime: Runtime, context: TenantContext, selection: Sequence[str]
) -> Component:
    """The cards for this request's spec, or a line saying why there are none."""
    try:
        spec = spec_from_settings(context.settings)
    except UnreadableSpec:
        return html.Div()
    if not spec.current_values:
        return html.Div()
    fiware = fiware_context(context)
    with Stopwatch(runtime.metrics, context.board, "cards"):
        try:
            frame = await runtime.cached(
                context,
                ("orion-current", spec.entity_type, *sorted(a.name for a in spec.attributes)),
                runtime.refresh_seconds(context),
                lambda: fetch_current(runtime.orion, fiware, spec),
            )
        except Exception as exc:  # every failure is a state the viewer reads, never a 500
            return html.Div(f"Current values: {status_for_error(exc).message}")
    return render_cards(spec, frame, selection)


def header_for(spec: MonitorSpec, refresh_seconds: float) -> HeaderBuilder | None:
    """The live view's header for ``spec``: the cards, or None when the spec has none."""
    if not spec.current_values:
        return None
    return lambda _context: cards_header(refresh_seconds)
