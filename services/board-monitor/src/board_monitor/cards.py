"""Current-value cards: each shown entity's attributes as Orion holds them now.

Only for specs with ``current_values``. The cards refresh at the tenant's poll interval
through the shared cache (one Orion query per tenant and entity type per interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

import dash_bootstrap_components as dbc
from boardkit import ENTITY, Clients, Frame, LiveHeader
from dash import html
from dash.development.base_component import Component
from ngsi import FiwareContext
from tenant_context import MonitorSpec

from board_monitor.figures import short_name

MAX_CARDS = 12


async def fetch_current(spec: MonitorSpec, clients: Clients, fiware: FiwareContext) -> Frame:
    """The spec's attributes of every entity of its type, as Orion holds them now."""
    attrs = [attribute.name for attribute in spec.attributes]
    found = await clients.orion.list_entities(
        fiware, type=spec.entity_type, attrs=attrs, key_values=True
    )
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


def header_for(spec: MonitorSpec) -> LiveHeader | None:
    """The live view's header for ``spec``: the cards, or None when the spec has none."""
    if not spec.current_values:
        return None
    return LiveHeader(
        key=("orion-current", spec.entity_type, *sorted(a.name for a in spec.attributes)),
        fetch=partial(fetch_current, spec),
        render=partial(render_cards, spec),
    )
