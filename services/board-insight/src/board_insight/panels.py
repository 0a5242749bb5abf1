"""Dash components of the insight boards built from shaped data (no callbacks here)."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from board_insight.recommendations import MISSING, Recommendation


def warnings_alert(messages: Sequence[str]) -> dbc.Alert | None:
    """Data problems listed in full: a recommendation with gaps must look like one."""
    if not messages:
        return None
    return dbc.Alert(
        html.Ul([html.Li(m) for m in messages], className="mb-0"),
        color="warning",
        className="small",
    )


def parameter_table(rec: Recommendation) -> dbc.Table:
    """Recommended settings; missing or unreadable cells are marked, not left blank."""
    rows = []
    for p in rec.parameters:
        unreadable = p.value is None
        rows.append(
            html.Tr(
                [
                    html.Td(p.name, className="text-danger" if p.name == MISSING else None),
                    html.Td(p.shown, className="text-danger" if unreadable else None),
                ]
            )
        )
    if not rows:
        rows.append(html.Tr(html.Td("No parameters", colSpan=2, className="text-danger")))
    return dbc.Table(
        [html.Thead(html.Tr([html.Th("Parameter"), html.Th("Value")])), html.Tbody(rows)],
        striped=True,
        bordered=True,
        size="sm",
    )


def best_value(rec: Recommendation) -> dbc.Card:
    """The estimated best value of the KPI, the raw text when it is not a number."""
    shown = f"{rec.best:g}" if rec.best is not None else rec.best_shown
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div("Estimated best value", className="text-body-secondary small"),
                html.Div(
                    f"{rec.kpi} = {shown}",
                    className="fs-4" + (" text-danger" if rec.best is None else ""),
                ),
            ]
        ),
        className="mb-3",
    )


def kpi_panel(rec: Recommendation, figure: go.Figure) -> dbc.Row:
    """One KPI: its figure, recommended settings and best value side by side."""
    return dbc.Row(
        [
            dbc.Col(dcc.Graph(figure=figure, config={"displaylogo": False}), lg=8),
            dbc.Col(
                [
                    best_value(rec),
                    html.H6("Recommended settings"),
                    parameter_table(rec),
                    warnings_alert(rec.warnings),
                ],
                lg=4,
            ),
        ],
        className="mt-3",
    )


def kpi_tab_ids(recommendations: Sequence[Recommendation]) -> list[str]:
    """Each KPI's tab id: its name (a repeated name gets ``#2``, ``#3``…), so a tab id
    names the same KPI in every insight and never another one."""
    seen: dict[str, int] = {}
    result = []
    for rec in recommendations:
        seen[rec.kpi] = seen.get(rec.kpi, 0) + 1
        result.append(rec.kpi if seen[rec.kpi] == 1 else f"{rec.kpi}#{seen[rec.kpi]}")
    return result


def kpi_tab(label: str, tab_id: str) -> dbc.Tab:
    """A KPI's tab: only its label; the selected KPI is drawn in the panel below the tabs."""
    return dbc.Tab(label=label, tab_id=tab_id)
