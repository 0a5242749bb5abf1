"""The kit's input widgets: entity picker and time window picker."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Output, dcc, html
from dash.development.base_component import Component

from boardkit import ids
from boardkit.states import LOADING
from boardkit.windows import CUSTOM, LAST_N, MAX_LAST_N

WINDOW_CHOICES = [
    {"label": "Last N points", "value": LAST_N},
    {"label": "Last 15 minutes", "value": "15m"},
    {"label": "Last hour", "value": "1h"},
    {"label": "Last 24 hours", "value": "24h"},
    {"label": "Custom range", "value": CUSTOM},
]


def entity_picker(board: str, *, multi: bool, refresh_seconds: float, label: str) -> Component:
    """A dropdown that fills itself on page load and refreshes as new entities appear."""
    return html.Div(
        [
            dbc.Label(label, html_for="bk-entities"),
            dcc.Dropdown(
                id=ids.entities(board),
                options=[],
                value=[] if multi else None,
                multi=multi,
                placeholder="Loading entities…",
                clearable=True,
            ),
            dbc.FormText(id=ids.entities_note(board), children=""),
            dcc.Interval(
                id=ids.entities_poll(board), interval=int(refresh_seconds * 1000), n_intervals=0
            ),
        ],
        className="mb-3",
    )


def window_picker(board: str, *, default: str, default_last_n: int, zone_name: str) -> Component:
    """Window choice, N for 'last N points', and a custom range typed in the tenant's zone."""
    return html.Div(
        [
            dbc.Label("Time window"),
            dcc.Dropdown(
                id=ids.window(board), options=WINDOW_CHOICES, value=default, clearable=False
            ),
            html.Div(
                dbc.InputGroup(
                    [
                        dbc.Input(
                            id=ids.last_n(board),
                            type="number",
                            min=1,
                            max=MAX_LAST_N,
                            step=1,
                            value=default_last_n,
                            debounce=True,
                        ),
                        dbc.InputGroupText("points"),
                    ],
                    size="sm",
                    className="mt-2",
                ),
                id=ids.last_n_row(board),
                style={} if default == LAST_N else {"display": "none"},
            ),
            html.Div(
                [
                    dbc.Label(f"From ({zone_name})", className="mt-2 small"),
                    dbc.Input(
                        id=ids.range_start(board), type="datetime-local", size="sm", debounce=True
                    ),
                    dbc.Label(f"To ({zone_name})", className="mt-2 small"),
                    dbc.Input(
                        id=ids.range_end(board), type="datetime-local", size="sm", debounce=True
                    ),
                ],
                id=ids.custom_range(board),
                style={} if default == CUSTOM else {"display": "none"},
            ),
        ],
        className="mb-3",
    )


def status_line(board: str) -> Component:
    """Where the page says whether data is loading, live, missing or unavailable."""
    line: Component = dbc.Alert(
        "Loading…",
        id=ids.status(board),
        color="info",
        className=LOADING.css_class,
    )
    return line


def status_outputs(board: Any) -> tuple[Output, Output, Output]:
    """A board's own callback's outputs to its :func:`status_line`, in the order a
    ``Status`` fills them: ``message``, ``color``, ``css_class``. ``board`` may be ``MATCH``."""
    line = ids.status(board)
    return Output(line, "children"), Output(line, "color"), Output(line, "className")


def download_control(board: str) -> Component:
    """A button that downloads the CSV of the data on screen."""
    return html.Div(
        [
            dbc.Button(
                "Download CSV",
                id=ids.download_button(board),
                size="sm",
                color="secondary",
                outline=True,
            ),
            dcc.Download(id=ids.download(board)),
        ],
        className="mt-2",
    )
