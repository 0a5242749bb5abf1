"""The benchmark's board: a Dash 4 app with one trivial callback, on Dash's FastAPI backend.

Served by uvicorn as ``dash_upstream:server``.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

app = dash.Dash(__name__, backend="fastapi")
app.layout = html.Div([dcc.Input(id="text", value="hello"), html.Div(id="echo")])


@app.callback(Output("echo", "children"), Input("text", "value"))
def _echo(value: str) -> str:
    return value.upper()


server: Any = app.server

# What a browser posts when the input changes.
CALLBACK_BODY = (
    b'{"output":"echo.children","outputs":{"id":"echo","property":"children"},'
    b'"inputs":[{"id":"text","property":"value","value":"hello"}],'
    b'"changedPropIds":["text.value"]}'
)
