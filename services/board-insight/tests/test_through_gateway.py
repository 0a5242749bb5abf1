from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import httpx
import pytest

pytestmark = pytest.mark.integration


def _id(board: str, kind: str, **more: str) -> dict:
    return {"board": board, "type": kind, **more}


def _key(found: dict) -> str:
    return json.dumps(found, sort_keys=True, separators=(",", ":"))


def _outputs(board: str) -> list[tuple[dict, str]]:
    """The kit's panel callback outputs for the insight boards, in registration order."""
    insight = _id(board, "bk-control", control="insight")
    kpi = _id(board, "bk-control", control="kpi")
    return [
        (_id(board, "bk-slot", slot="warnings"), "children"),
        (kpi, "children"),
        (kpi, "active_tab"),
        (_id(board, "bk-slot", slot="kpi"), "children"),
        (insight, "options"),
        (insight, "value"),
        (insight, "placeholder"),
        (_id(board, "bk-control-note", control="insight"), "children"),
        (_id(board, "bk-address", view="panel"), "search"),
        (_id(board, "bk-status"), "children"),
        (_id(board, "bk-status"), "color"),
        (_id(board, "bk-status"), "className"),
        (_id(board, "bk-freshness"), "children"),
        (_id(board, "bk-revision"), "data"),
    ]


def _poll(stack, board: str, insight: str | None = None, search: str = "") -> dict:
    """One poll of a page showing nothing yet, as the browser sends it."""
    outputs = _outputs(board)
    inputs = [
        (_id(board, "bk-panel-poll"), "n_intervals", 1),
        (_id(board, "bk-options-poll"), "n_intervals", None),
        (_id(board, "bk-control", control="insight"), "value", insight),
        (_id(board, "bk-control", control="kpi"), "active_tab", None),
        (_id(board, "bk-address", view="panel"), "search", search),
    ]
    state = [
        (_id(board, "bk-control", control="insight"), "options", []),
        (_id(board, "bk-revision"), "data", None),
    ]
    payload = {
        "output": ".." + "...".join(f"{_key(i)}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{_key(inputs[0][0])}.n_intervals"],
    }
    answer = httpx.post(
        stack.page_url(board=board) + "_dash-update-component", json=payload, timeout=15
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["response"]


def _insight_ids(stack, board: str) -> list[str]:
    deadline = time.monotonic() + 20
    picker = _key(_id(board, "bk-control", control="insight"))
    while True:
        response = _poll(stack, board)
        options = response.get(picker, {}).get("options", [])
        if options:
            return [o["value"] for o in options]
        assert time.monotonic() < deadline, response
        time.sleep(0.5)


def _show(stack, board: str, insight: str) -> dict:
    return _poll(stack, board, insight)


def _graphs(tabs: list) -> list[dict]:
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Graph":
                found.append(node["props"]["figure"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tabs)
    return found


def test_both_boards_are_served_under_their_own_prefix(stack):
    for mount, title in (
        ("insight", "Insight Generator report"),
        ("insight-preview", "Insight preview"),
    ):
        answer = httpx.get(stack.page_url(board=mount), timeout=15)
        assert answer.status_code == 200
        prefix = f"/dazzler/{stack.tenants['acme'].slug}/-/{mount}/"
        assert prefix.replace("/", "\\u002f") in answer.text
        assert f"<title>{title} · Insight Test</title>" in answer.text


def test_board_refuses_requests_that_bypass_the_gateway(stack):
    assert httpx.get(stack.direct + "/", timeout=5).status_code == 403


def test_picker_loads_the_insights_from_orion_by_itself(stack):
    found = _insight_ids(stack, "insight")
    assert found == sorted(found)
    assert {"urn:ngsi-ld:Insights:1", "urn:ngsi-ld:Insights:2"} <= set(found)


def test_insight_shows_one_tab_per_kpi_with_settings_and_best_value(stack):
    insight = _insight_ids(stack, "insight")[0]
    response = _show(stack, "insight", insight)
    tabs = response[_key(_id("insight", "bk-control", control="kpi"))]
    labels = [t["props"]["label"] for t in tabs["children"]]
    assert labels == ["Throughput", "Scrap", "Roughness"]
    assert tabs["active_tab"] == "Throughput"
    # Only the chosen tab's pane is sent.
    pane = response[_key(_id("insight", "bk-slot", slot="kpi"))]["children"]
    text = json.dumps(pane)
    assert "Estimated best value" in text
    assert "Throughput = " in text
    assert "Scrap = " not in text
    assert '"Parameter"' in text
    figure = _graphs(pane)[0]
    assert figure["data"][0]["name"] == "Estimated best"
    # The view is written to the address, so a copied link opens it.
    search = response[_key(_id("insight", "bk-address", view="panel"))]["search"]
    assert search == "?" + urlencode({"insight": insight, "kpi": "Throughput"})


def test_preview_graphs_the_measured_kpi_series_from_quantumleap(stack):
    insight = _insight_ids(stack, "insight-preview")[0]
    deadline = time.monotonic() + 20
    while True:
        response = _show(stack, "insight-preview", insight)
        pane = response[_key(_id("insight-preview", "bk-slot", slot="kpi"))]["children"]
        figures = _graphs(pane)
        if figures and figures[0]["data"] and len(figures[0]["data"][0]["y"]) >= 3:
            break
        assert time.monotonic() < deadline, figures
        time.sleep(0.5)
    throughput = figures[0]
    values = throughput["data"][0]["y"]
    # Real readings vary; the first board's constant line did not.
    assert len(set(values)) > 1
    assert throughput["layout"]["xaxis"]["title"]["text"] == "Time (Europe/Rome)"
    assert [s["type"] for s in throughput["layout"]["shapes"]] == ["line"]
