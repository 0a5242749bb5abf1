"""The insight boards' declarations: sources, rendering and where the picker, warnings
and KPI tabs go."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import dash_bootstrap_components as dbc
from boardkit import Board, PanelView, Picker, Slots
from dash import html
from dash.development.base_component import Component

from board_insight.config import Settings
from board_insight.data import INSIGHT, INSIGHTS, STATE, kpi_source
from board_insight.render import KPI, WARNINGS, render

INSIGHT_BOARD = "insight"
PREVIEW_BOARD = "insight-preview"
_EXPLANATION = """
The Insight Generator recommends, for each KPI, the parameter settings expected to give
its best value.

- Pick an insight; the list fills and refreshes by itself.
- Each tab is one KPI: the recommended settings, the estimated best value and {graph}.
- The address holds the insight and KPI shown: a copied link opens the same view.
- Missing or unreadable values in the recommendation are marked as such, with a warning.
"""
_GRAPH = {
    INSIGHT_BOARD: "the estimated best value since the insight was last updated (Orion "
    "keeps no older values, so nothing earlier is drawn; see the insight preview board for "
    "measured values)",
    PREVIEW_BOARD: "the KPI's measured values over time from QuantumLeap, with the "
    "estimated best value as a dashed reference line",
}


def layout(slots: Slots) -> Component:
    """The insight picker, the warnings about its Results and one tab per KPI."""
    return html.Div(
        [
            dbc.Card(dbc.CardBody(slots.picker(INSIGHT)), className="mb-3"),
            slots.part(WARNINGS),
            slots.tabs(KPI),
        ]
    )


def _view(settings: Settings, *, preview: bool) -> PanelView:
    window = timedelta(minutes=settings.kpi_window_minutes)
    return PanelView(
        sources=(STATE, kpi_source(window)) if preview else (STATE,),
        figures=(),
        parts=(WARNINGS,),
        layout=layout,
        render=partial(render, preview=preview),
        pickers=(Picker(INSIGHT, INSIGHTS, label="Insight", noun="insights"),),
        tabs=(KPI,),
        in_address=(INSIGHT, KPI),
        # The report changes rarely: unless the tenant asks otherwise, the plain board
        # polls at the entity-list pace, the preview at the service's pace.
        refresh_seconds=None if preview else settings.entity_refresh_seconds,
    )


def insight_boards(settings: Settings) -> list[Board]:
    """Both boards the service serves."""
    return [
        Board(
            slug,
            title,
            _EXPLANATION.format(graph=_GRAPH[slug]),
            panels=_view(settings, preview=slug == PREVIEW_BOARD),
        )
        for slug, title in (
            (INSIGHT_BOARD, "Insight Generator report"),
            (PREVIEW_BOARD, "Insight preview"),
        )
    ]
