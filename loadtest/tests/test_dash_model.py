"""The renderer model against a real Dash app: the bodies it builds are what Dash accepts."""

from __future__ import annotations

from typing import Any

import pytest
from dash import ALL, MATCH, Dash, Input, Output, State, dcc, html
from dazzler_loadtest.dash_model import Page, stringify_id
from dazzler_loadtest.session import BoardSession, RequestFailed


def _app() -> Dash:
    app = Dash(__name__)
    app.layout = html.Div(
        [
            dcc.Dropdown(id="pick", options=["a", "b", "c"], value=None),
            html.Div(id="out"),
            dcc.Interval(id={"type": "poll", "board": "x"}, interval=5000),
            dcc.Interval(id="slow", interval=30000),
            html.Div(id={"type": "view", "board": "x"}),
            dcc.Store(id={"type": "seen", "board": "x"}, data=0),
            html.Div(id="count"),
            html.Button(id="go"),
            html.Div(id="clicked"),
        ]
    )

    @app.callback(Output("pick", "value"), Input("slow", "n_intervals"), State("pick", "value"))
    def choose(_n: Any, current: Any) -> Any:
        return current or "b"

    @app.callback(
        Output({"type": "view", "board": MATCH}, "children"),
        Output({"type": "seen", "board": MATCH}, "data"),
        Input({"type": "poll", "board": MATCH}, "n_intervals"),
        Input("pick", "value"),
        State({"type": "seen", "board": MATCH}, "data"),
    )
    def view(n: Any, pick: Any, seen: Any) -> tuple[str, int]:
        return f"{pick}:{n}", int(seen or 0) + 1

    @app.callback(Output("count", "children"), Input({"type": "seen", "board": ALL}, "data"))
    def count(values: list[Any]) -> str:
        return f"seen {sum(v or 0 for v in values)}"

    @app.callback(Output("clicked", "children"), Input("go", "n_clicks"), prevent_initial_call=True)
    def clicked(n: Any) -> str:
        return f"clicked {n}"

    return app


class FlaskTransport:
    def __init__(self, app: Dash) -> None:
        self.client = app.server.test_client()
        self.names: list[str] = []

    def get(self, path: str, name: str) -> Any:
        response = self.client.get("/" + path)
        if response.status_code != 200:
            raise RequestFailed(name)
        return response.get_json() if path.startswith("_dash") else response.text

    def post(self, path: str, body: dict[str, Any], name: str) -> Any:
        self.names.append(name)
        response = self.client.post("/" + path, json=body)
        if response.status_code == 204:
            return None
        if response.status_code != 200:
            raise RequestFailed(f"{name}: {response.status_code} {response.get_data(as_text=True)}")
        return response.get_json()


@pytest.fixture
def session() -> BoardSession:
    return BoardSession(FlaskTransport(_app()))


def _shown(page: Page, component: Any) -> Any:
    return page.value(component, "children")


def test_page_load_runs_initial_callbacks_in_renderer_order(session: BoardSession) -> None:
    page = session.load()
    # The entity choice arrives before the view runs, so the view runs once, with it.
    assert page.value("pick", "value") == "b"
    assert _shown(page, {"type": "view", "board": "x"}) == "b:None"
    assert page.value({"type": "seen", "board": "x"}, "data") == 1
    assert _shown(page, "count") == "seen 1"
    assert _shown(page, "clicked") is None


def test_ticks_poll_with_pattern_ids_and_follow_chains(session: BoardSession) -> None:
    import random

    page = session.load()
    tickers = session.tickers(0.0, random.Random(1))
    assert [t.name for t in tickers] == ["poll", "poll: slow"]
    assert 0.0 <= tickers[0].due <= 5.0
    session.tick(tickers[0])
    session.tick(tickers[0])
    assert _shown(page, {"type": "view", "board": "x"}) == "b:2"
    assert _shown(page, "count") == "seen 3"


def test_hidden_tabs_stretch_every_period(session: BoardSession) -> None:
    import random

    session.load()
    tickers = session.tickers(0.0, random.Random(1), slowest=60.0)
    assert [t.period for t in tickers] == [60.0, 60.0]


def test_interactions_change_options_and_press_buttons(session: BoardSession) -> None:
    import random

    page = session.load()
    actions = dict(session.interactions())
    assert set(actions) == {"change pick", "click go"}
    actions["change pick"](random.Random(3))
    assert page.value("pick", "value") in ("a", "c")
    assert _shown(page, {"type": "view", "board": "x"}).startswith(page.value("pick", "value"))
    actions["click go"](random.Random(3))
    assert _shown(page, "clicked") == "clicked 1"


def test_stringify_matches_dash() -> None:
    from dash._utils import stringify_id as dash_stringify

    component = {"type": "bk-poll", "board": "roughnator", "n": 3}
    assert stringify_id(component) == dash_stringify(component)
    assert stringify_id("plain") == "plain"
