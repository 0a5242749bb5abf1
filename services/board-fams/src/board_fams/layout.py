"""The fatigue board's declaration: its sources, rendering and where each slot goes."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from boardkit import Board, Panels, PanelView, Slots, SourceData, ViewContext
from dash import html
from dash.development.base_component import Component

from board_fams.config import Settings
from board_fams.data import sources
from board_fams.render import (
    ALERTS,
    CONNECTED,
    CURRENT,
    FIGURES,
    HISTORY,
    INTERVENTION,
    PARTS,
    SHARE,
    render,
)

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


def layout(slots: Slots) -> Component:
    """Headline, alerts, three figures side by side and the intervention panel."""
    return html.Div(
        [
            slots.part(CONNECTED, class_name="mb-2"),
            slots.part(ALERTS),
            dbc.Row(
                [
                    dbc.Col(slots.figure(SHARE), lg=4),
                    dbc.Col(slots.figure(CURRENT), lg=4),
                    dbc.Col(slots.figure(HISTORY), lg=4),
                ],
                className="g-2",
            ),
            dbc.Card(
                [
                    dbc.CardHeader("Last accepted intervention"),
                    dbc.CardBody(slots.part(INTERVENTION)),
                ],
                className="mt-3",
            ),
        ]
    )


def fams_board(settings: Settings) -> Board:
    """The board declaration the app factory takes."""

    def render_panels(data: SourceData, view: ViewContext) -> Panels:
        return render(data, view, settings)

    return Board(
        SLUG,
        TITLE,
        EXPLANATION,
        panels=PanelView(
            sources=sources(settings),
            figures=FIGURES,
            parts=PARTS,
            layout=layout,
            render=render_panels,
        ),
    )
