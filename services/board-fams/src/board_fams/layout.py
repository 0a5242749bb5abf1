"""The fatigue board's declaration and page body (built per request, nothing fetched)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from boardkit import Board, BoardSettings, empty_figure, status_line, tenant_zone
from boardkit.views import ViewContext
from dash import dcc, html
from dash.development.base_component import Component
from tenant_context import TenantContext

from board_fams import ids
from board_fams.config import Settings

SLUG = "fams"
TITLE = "Worker fatigue"
EXPLANATION = """
Fatigue (0 = rested, 10 = exhausted) reported by FAMS for each worker, grouped by the
production line the worker is on.

- **Current fatigue per line**: the mean of the latest reading of each connected
  worker; the whisker is the spread (standard deviation) between workers.
- **Fatigue over time**: per-minute means, each worker weighing once.
- The dashed red line is the fatigue limit; lines above it turn red.
- **Last accepted intervention**: the newest decision of the Intervention Manager.
"""


def refresh_seconds(context: TenantContext, settings: BoardSettings) -> float:
    """The tenant's poll interval (board setting ``refresh_seconds``) or the default."""
    value = context.settings.get("refresh_seconds", settings.refresh_seconds)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return settings.refresh_seconds
    return seconds if seconds > 0 else settings.refresh_seconds


def _graph(graph_id: dict[str, str], loading: ViewContext) -> Component:
    return dcc.Graph(
        id=graph_id,
        figure=empty_figure("Loading…", loading),
        config={"displaylogo": False, "responsive": True},
        style={"height": "40vh"},
    )


def body(context: TenantContext, settings: BoardSettings) -> Component:
    """Headline, three figures and the intervention panel; a callback fills them."""
    slug = context.board
    loading = ViewContext(theme=context.theme, zone=tenant_zone(context.timezone))
    return html.Div(
        [
            status_line(slug),
            html.Div(id=ids.connected(slug), className="mb-2"),
            html.Div(id=ids.alerts(slug)),
            dbc.Row(
                [
                    dbc.Col(_graph(ids.share(slug), loading), lg=4),
                    dbc.Col(_graph(ids.current(slug), loading), lg=4),
                    dbc.Col(_graph(ids.history(slug), loading), lg=4),
                ],
                className="g-2",
            ),
            dbc.Card(
                [
                    dbc.CardHeader("Last accepted intervention"),
                    dbc.CardBody(html.Div("Loading…", id=ids.intervention(slug))),
                ],
                className="mt-3",
            ),
            dcc.Interval(
                id=ids.poll(slug), interval=int(refresh_seconds(context, settings) * 1000)
            ),
        ]
    )


def fams_board(settings: Settings) -> Board:
    """The board declaration the app factory takes."""
    from board_fams.callbacks import register

    return Board(
        SLUG,
        TITLE,
        EXPLANATION,
        body=lambda context: body(context, settings),
        register=lambda app, runtime: register(app, runtime, settings),
    )
