"""The showcase's declaration: a panel view with the kit's theme picker (light/dark and
the colour themes) and an echo of typed text, laid out with the colour samples."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from boardkit import Board, PanelView, Slots
from dash import html
from dash.development.base_component import Component

from board_demo.render import CONTROLS, ECHO, FIGURES, PARTS, render
from board_demo.themes import THEMES

SLUG = "demo"
TITLE = "Showcase"
EXPLANATION = """
What Dazzler boards look like: Bootstrap controls, colours and Plotly figures.

- Switch between light and dark, and try a few colour themes (kept in the address).
- The figures use sample production data made by the board itself.
"""
FIGURES_ID = "showcase-figures"
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


def _switcher(slots: Slots) -> Component:
    card: Component = dbc.Card(dbc.CardBody(slots.theme_picker()), className="mb-3")
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


def layout(slots: Slots) -> Component:
    """Theme picker, colour buttons, echo, and four sample figures across the page."""
    graphs = [
        dbc.Col(slots.figure(kind, height="45vh"), lg=6, className="mb-3") for kind in FIGURES
    ]
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(_switcher(slots), lg=4),
                    dbc.Col(_colours(), lg=5),
                    dbc.Col(_echo(slots), lg=3),
                ]
            ),
            # The body is much taller than the explanation: the figures use the width
            # below it.
            slots.wide(dbc.Row(graphs, id=FIGURES_ID)),
        ]
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
            theme_picker=True,
        ),
        palettes=THEMES,
    )
