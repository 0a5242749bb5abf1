"""The baseline of the benchmark: a trivial Dash app on the same backend and server as the
boards (FastAPI, uvicorn, one process), with one async callback that echoes its input.

``python trivial_app.py PORT`` serves it on 127.0.0.1:PORT.
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn
from dash import Dash, Input, Output, dcc, html

ECHO_INPUT = "echo-in"
ECHO_OUTPUT = "echo-out"


def build() -> Any:
    app = Dash("baseline", backend="fastapi", serve_locally=True, compress=False)
    app.layout = html.Div([dcc.Input(id=ECHO_INPUT, value="x"), html.Div(id=ECHO_OUTPUT)])

    @app.callback(Output(ECHO_OUTPUT, "children"), Input(ECHO_INPUT, "value"))
    async def echo(value: str | None) -> str:
        return f"You typed: {value}"

    return app.server


def echo_payload(value: str = "hello") -> dict[str, Any]:
    """The request the browser sends when the input changes."""
    return {
        "output": f"{ECHO_OUTPUT}.children",
        "outputs": {"id": ECHO_OUTPUT, "property": "children"},
        "inputs": [{"id": ECHO_INPUT, "property": "value", "value": value}],
        "changedPropIds": [f"{ECHO_INPUT}.value"],
        "state": [],
    }


if __name__ == "__main__":
    uvicorn.run(
        build(),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_level="warning",
        access_log=False,
        server_header=False,
    )
