"""The showcase's declaration: a panel view whose controls are the viewer's mode and typed
text, laid out with the colour samples and the theme picker."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from boardkit import Board, PanelView, Slots
from dash import dcc, html
from dash.development.base_component import Component

from board_demo import ids
from board_demo.callbacks import register
from board_demo.page_layout import BODY_ID, FIGURES_ID
from board_demo.render import CONTROLS, ECHO, FIGURES, MODE, PARTS, render
from board_demo.themes import DEFAULT_THEME, THEMES

SLUG = "demo"
TITLE = "Showcase"
EXPLANATION = """
What Dazzler boards look like: Bootstrap controls, colours and Plotly figures.

- Switch between light and dark, and try a few colour themes (served by this board).
- The figures use sample production data made by the board itself.
"""
BUTTON_COLOURS = (
    "primary",
    "secondary",
    "success",
    "info",
    "warning",
    "danger",
    "light",
    "dark",
    "link",
)


def _switcher(slots: Slots, slug: str) -> Component:
    card: Component = dbc.Card(
        dbc.CardBody(
            [
                dbc.Label("Mode"),
                dbc.RadioItems(
                    id=slots.control(MODE),
                    options=[
                        {"label": "Light", "value": "light"},
                        {"label": "Dark", "value": "dark"},
                    ],
                    value=slots.view.theme,
                    inline=True,
                    className="mb-2",
                ),
                dbc.Label("Colour theme", html_for="demo-theme"),
                dbc.Select(
                    id=ids.theme(slug),
                    options=[{"label": t.label, "value": t.slug} for t in THEMES.values()],
                    value=DEFAULT_THEME,
                ),
                # Its address (under the tenant's prefix) is set as the page loads.
                html.Link(id=ids.theme_css(slug), rel="stylesheet"),
                dcc.Store(id=ids.mode_applied(slug)),
            ]
        ),
        className="mb-3",
    )
    return card


def _colours() -> Component:
    card: Component = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Colours", className="h5"),
                html.Div(
                    [dbc.Button(c.title(), color=c, className="me-1 mb-1") for c in BUTTON_COLOURS],
                    className="mb-2",
                ),
                html.Div(
                    [
                        dbc.Button(c.title(), color=c, outline=True, className="me-1 mb-1")
                        for c in BUTTON_COLOURS[:-1]
                    ],
                    className="mb-2",
                ),
                html.Div(
                    [dbc.Badge(c.title(), color=c, className="me-1") for c in BUTTON_COLOURS[:-1]]
                ),
            ]
        ),
        className="mb-3",
    )
    return card


def _echo(slots: Slots) -> Component:
    card: Component = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Echo", className="h5"),
                dbc.Input(
                    id=slots.control(ECHO), placeholder="Type something…", type="text", value=""
                ),
                slots.part(ECHO, class_name="mt-2 mb-0"),
            ]
        ),
        className="mb-3",
    )
    return card


def layout(slots: Slots, slug: str = SLUG) -> Component:
    """Theme switcher, colour buttons, echo and four sample figures."""
    graphs = [
        dbc.Col(slots.figure(kind, height="45vh"), lg=6, className="mb-3") for kind in FIGURES
    ]
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(_switcher(slots, slug), lg=4),
                    dbc.Col(_colours(), lg=5),
                    dbc.Col(_echo(slots), lg=3),
                ]
            ),
            dbc.Row(graphs, id=FIGURES_ID),
        ],
        id=BODY_ID,
    )


def demo_board() -> Board:
    """The board declaration the app factory takes."""
    return Board(
        SLUG,
        TITLE,
        EXPLANATION,
        panels=PanelView(
            sources=(),
            figures=FIGURES,
            parts=PARTS,
            layout=layout,
            render=render,
            controls=CONTROLS,
        ),
        register=register,
    )
