"""Dash components of the fatigue board built from shaped data (no callbacks here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from board_fams.interventions import Intervention

_MAX_NOTES = 5


def connected_workers(count: int) -> html.Div:
    """The headline number of connected workers."""
    return html.Div(
        [html.Span("Connected workers: "), html.Strong(str(count), className="fs-3")],
        className="fs-4 fams-connected",
    )


def limit_alert(lines: Sequence[str], limit: float) -> dbc.Alert | None:
    """A visible warning naming the lines above the fatigue limit, or None when none is."""
    if not lines:
        return None
    names = ", ".join(lines)
    verb = "is" if len(lines) == 1 else "are"
    return dbc.Alert(
        f"{names} {verb} above the fatigue limit of {limit:g}.",
        color="danger",
        className="mb-2",
    )


def intervention_panel(intervention: Intervention, tz: tzinfo, timezone: str) -> html.Div:
    """The last accepted intervention with its creation time in the tenant's zone."""
    body: list[Component] = []
    if intervention.created is not None:
        local = intervention.created.astimezone(tz)
        body.append(
            html.Div(f"{local:%Y-%m-%d %H:%M:%S} ({timezone})", className="text-body-secondary")
        )
    body.append(html.P(intervention.message, className="fs-5 mb-0"))
    return html.Div([*body, *notes(intervention.notes)])


def notes(messages: Sequence[str]) -> list[dbc.Alert]:
    """Data problems the user should know about, the first few in full, then a count."""
    if not messages:
        return []
    shown = list(messages[:_MAX_NOTES])
    hidden = len(messages) - len(shown)
    items = [html.Li(m) for m in shown]
    if hidden:
        items.append(html.Li(f"… and {hidden} more."))
    return [dbc.Alert(html.Ul(items, className="mb-0"), color="warning", className="mt-2 small")]
