"""The showcase's declaration and page body (built per request)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from boardkit import Board
from dash import dcc, html
from dash.development.base_component import Component
from tenant_context import TenantContext

from board_demo import ids
from board_demo.callbacks import register
from board_demo.page_layout import BODY_ID, FIGURES_ID
from board_demo.themes import DEFAULT_THEME, THEMES, theme_href

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


def _switcher(context: TenantContext) -> Component:
    slug = context.board
    card: Component = dbc.Card(
        dbc.CardBody(
            [
                dbc.Label("Mode"),
                dbc.RadioItems(
                    id=ids.mode(slug),
                    options=[
                        {"label": "Light", "value": "light"},
                        {"label": "Dark", "value": "dark"},
                    ],
                    value=context.theme,
                    inline=True,
                    className="mb-2",
                ),
                dbc.Label("Colour theme", html_for="demo-theme"),
                dbc.Select(
                    id=ids.theme(slug),
                    options=[{"label": t.label, "value": t.slug} for t in THEMES.values()],
                    value=DEFAULT_THEME,
                ),
                html.Link(
                    id=ids.theme_css(slug),
                    rel="stylesheet",
                    href=theme_href(context, DEFAULT_THEME),
                ),
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


def _echo(slug: str) -> Component:
    card: Component = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Echo", className="h5"),
                dbc.Input(
                    id=ids.echo_input(slug), placeholder="Type something…", type="text", value=""
                ),
                html.P("You typed nothing yet.", id=ids.echo_output(slug), className="mt-2 mb-0"),
            ]
        ),
        className="mb-3",
    )
    return card


def body(context: TenantContext) -> Component:
    """Theme switcher, colour buttons, echo and four sample figures."""
    slug = context.board
    graphs = [
        dbc.Col(
            dcc.Graph(
                id=ids.figure(kind, slug),
                config={"displaylogo": False, "responsive": True},
                style={"height": "45vh"},
            ),
            lg=6,
            className="mb-3",
        )
        for kind in ids.FIGURES
    ]
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(_switcher(context), lg=4),
                    dbc.Col(_colours(), lg=5),
                    dbc.Col(_echo(slug), lg=3),
                ]
            ),
            dbc.Row(graphs, id=FIGURES_ID),
        ],
        id=BODY_ID,
    )


def demo_board() -> Board:
    """The board declaration the app factory takes."""
    return Board(SLUG, TITLE, EXPLANATION, body=body, register=register)
