"""The insight boards' declarations and page body (built per request, nothing fetched)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from boardkit import Board, status_line
from dash import dcc, html
from dash.development.base_component import Component
from tenant_context import TenantContext

from board_insight import ids
from board_insight.callbacks import register
from board_insight.config import Settings
from board_insight.refresh import INSIGHT, PREVIEW, refresh_seconds

_EXPLANATION = """
The Insight Generator recommends, for each KPI, the parameter settings expected to give
its best value.

- Pick an insight; the list fills and refreshes by itself.
- Each tab is one KPI: the recommended settings, the estimated best value and {graph}.
- The address holds the insight and KPI shown: a copied link opens the same view.
- Missing or unreadable values in the recommendation are marked as such, with a warning.
"""
_GRAPH = {
    INSIGHT: "the estimated best value since the insight was last updated (Orion keeps "
    "no older values, so nothing earlier is drawn; see the insight preview board for "
    "measured values)",
    PREVIEW: "the KPI's measured values over time from QuantumLeap, with the estimated "
    "best value as a dashed reference line",
}


def body(context: TenantContext, settings: Settings) -> Component:
    """Picker, warnings and KPI tabs; callbacks fill them."""
    slug = context.board
    picker = dbc.Card(
        dbc.CardBody(
            [
                dbc.Label("Insight"),
                dcc.Dropdown(
                    id=ids.picker(slug),
                    options=[],
                    value=None,
                    placeholder="Loading insights…",
                    clearable=False,
                ),
                dbc.FormText(id=ids.picker_note(slug), children=""),
                dcc.Interval(
                    id=ids.picker_poll(slug),
                    interval=int(settings.entity_refresh_seconds * 1000),
                    n_intervals=0,
                ),
            ]
        ),
        className="mb-3",
    )
    return html.Div(
        [
            dcc.Location(id=ids.location(slug), refresh=False),
            picker,
            status_line(slug),
            html.Div(id=ids.warnings(slug)),
            dbc.Tabs(id=ids.tabs(slug), children=[]),
            html.Div(id=ids.panel(slug)),
            dcc.Interval(
                id=ids.poll(slug), interval=int(refresh_seconds(context, settings) * 1000)
            ),
        ]
    )


def insight_boards(settings: Settings) -> list[Board]:
    """Both boards the service serves; callbacks are registered by the first only."""

    def build(context: TenantContext) -> Component:
        return body(context, settings)

    return [
        Board(
            INSIGHT,
            "Insight Generator report",
            _EXPLANATION.format(graph=_GRAPH[INSIGHT]),
            body=build,
            register=lambda app, runtime: register(app, runtime, settings),
        ),
        Board(
            PREVIEW,
            "Insight preview",
            _EXPLANATION.format(graph=_GRAPH[PREVIEW]),
            body=build,
        ),
    ]
