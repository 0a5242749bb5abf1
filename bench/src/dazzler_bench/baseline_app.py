"""A stand-in for the first Dazzler's roughnator board, to measure the gain against.

It does what the first Dazzler did on every tick: a blocking QuantumLeap query per viewer
(``lastN`` points of one entity) and a full ``plotly.express`` figure sent back whole, from
one Python process (Flask-based Dash mounted in FastAPI through WSGI, under uvicorn).

    python -m dazzler_bench.baseline_app --port 8200 --ql-url http://127.0.0.1:8668
"""

from __future__ import annotations

import argparse
import warnings
from typing import Any

import pandas as pd
import plotly.express as px
import requests
from dash import Dash, Input, Output, State, dcc, html

ENTITY_TYPE = "RoughnessEstimate"
FIRST_ENTITY = "urn:ngsi-ld:RoughnessEstimate:1"


def create_dash(ql_url: str, tenant: str) -> Dash:
    """The board: an entity select, N, a 5 s interval and the figure."""
    app = Dash(__name__, requests_pathname_prefix="/", prevent_initial_callbacks=True)
    http = requests.Session()
    headers = {"Fiware-Service": tenant, "Fiware-ServicePath": "/"}
    app.layout = html.Div(
        [
            html.H1("Surface roughness"),
            html.Button("Load Entity IDs", id="load-ids-button"),
            dcc.Dropdown(
                id="entity-id",
                options=[{"label": FIRST_ENTITY, "value": FIRST_ENTITY}],
                value=FIRST_ENTITY,
            ),
            dcc.Input(id="entries-from-latest", type="number", value=100, min=1, max=1000),
            dcc.Graph(id="graph"),
            dcc.Interval(id="interval-component", interval=5000),
        ]
    )

    @app.callback(Output("entity-id", "options"), Input("load-ids-button", "n_clicks"))
    def load_ids(_clicks: Any) -> list[dict[str, str]]:
        response = http.get(
            f"{ql_url}/v2/entities", params={"type": ENTITY_TYPE}, headers=headers, timeout=60
        )
        response.raise_for_status()
        ids = [e.get("entityId") or e.get("id") for e in response.json()]
        return [{"label": i, "value": i} for i in ids if i]

    @app.callback(
        Output("graph", "figure"),
        Input("interval-component", "n_intervals"),
        Input("entity-id", "value"),
        Input("entries-from-latest", "value"),
        State("graph", "figure"),
    )
    def figure(_n: Any, entity: str | None, last_n: Any, _old: Any) -> Any:
        if not entity:
            return px.line(pd.DataFrame({"index": [0], "acceleration": [0], "roughness": [0]}))
        response = http.get(
            f"{ql_url}/v2/entities/{entity}",
            params={"type": ENTITY_TYPE, "lastN": str(last_n or 100)},
            headers=headers,
            timeout=60,
        )
        response.raise_for_status()
        body = response.json()
        frame = pd.DataFrame({"index": pd.to_datetime(body["index"])})
        for attribute in body["attributes"]:
            frame[attribute["attrName"]] = attribute["values"]
        columns = [c for c in ("acceleration", "roughness") if c in frame]
        return px.line(frame, x="index", y=columns, color_discrete_sequence=["silver", "coral"])

    return app


def create_app(ql_url: str, tenant: str) -> Any:
    """FastAPI with the Dash (Flask) app mounted through WSGI, as the first Dazzler did."""
    from fastapi import FastAPI

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its deprecation notice is not news here
        from starlette.middleware.wsgi import WSGIMiddleware

    api = FastAPI()
    api.mount("/", WSGIMiddleware(create_dash(ql_url, tenant).server))
    return api


def main() -> None:
    """Serve the baseline on 127.0.0.1."""
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ql-url", required=True)
    parser.add_argument("--tenant", default="demo")
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.ql_url.rstrip("/"), args.tenant),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
