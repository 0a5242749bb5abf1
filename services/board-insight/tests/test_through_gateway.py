from __future__ import annotations

import json
import time

import httpx
import pytest

pytestmark = pytest.mark.integration


def _key(kind: str, board: object) -> str:
    return json.dumps({"board": board, "type": kind}, separators=(",", ":"))


def _call(stack, mount: str, outputs, inputs, state=()) -> dict:
    payload = {
        "output": ".." + "...".join(f"{_key(k, ['MATCH'])}.{p}" for k, p in outputs) + "..",
        "outputs": [{"id": {"board": mount, "type": k}, "property": p} for k, p in outputs],
        "inputs": [
            {"id": {"board": mount, "type": k}, "property": p, "value": v} for k, p, v in inputs
        ],
        "state": [
            {"id": {"board": mount, "type": k}, "property": p, "value": v} for k, p, v in state
        ],
        "changedPropIds": [],
    }
    answer = httpx.post(
        stack.page_url(board=mount) + "_dash-update-component", json=payload, timeout=15
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["response"]


def _insight_ids(stack, mount: str) -> list[str]:
    deadline = time.monotonic() + 20
    while True:
        response = _call(
            stack,
            mount,
            [
                ("insight-picker", "options"),
                ("insight-picker", "value"),
                ("insight-picker", "placeholder"),
                ("insight-picker-note", "children"),
                ("insight-location", "search"),
            ],
            [
                ("insight-picker-poll", "n_intervals", 0),
                ("insight-location", "search", ""),
                ("insight-picker", "value", None),
                ("insight-tabs", "active_tab", None),
            ],
        )
        options = response[_key("insight-picker", mount)].get("options", [])
        if options:
            return [o["value"] for o in options]
        assert time.monotonic() < deadline, response
        time.sleep(0.5)


SHOW_OUTPUTS = [
    ("insight-tabs", "children"),
    ("insight-tabs", "active_tab"),
    ("insight-panel", "children"),
    ("insight-warnings", "children"),
    ("bk-status", "children"),
    ("bk-status", "color"),
    ("bk-status", "className"),
]


def _show(stack, mount: str, insight: str) -> dict:
    return _call(
        stack,
        mount,
        SHOW_OUTPUTS,
        [
            ("insight-picker", "value", insight),
            ("insight-poll", "n_intervals", 1),
            ("insight-tabs", "active_tab", None),
        ],
        [("insight-location", "search", "")],
    )


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
    tabs = response[_key("insight-tabs", "insight")]["children"]
    labels = [t["props"]["label"] for t in tabs]
    assert labels == ["Throughput", "Scrap", "Roughness"]
    panes = response[_key("insight-panel", "insight")]["children"]
    assert [p["props"]["id"]["kpi"] for p in panes] == labels
    assert [p["props"]["hidden"] for p in panes] == [False, True, True]
    text = json.dumps(panes[0])
    assert "Estimated best value" in text
    assert "Throughput = " in text
    assert '"Parameter"' in text
    figure = _graphs(panes)[0]
    assert figure["data"][0]["name"] == "Estimated best"
    assert response[_key("insight-tabs", "insight")]["active_tab"] == "Throughput"


def test_preview_graphs_the_measured_kpi_series_from_quantumleap(stack):
    insight = _insight_ids(stack, "insight-preview")[0]
    deadline = time.monotonic() + 20
    while True:
        response = _show(stack, "insight-preview", insight)
        figures = _graphs(response[_key("insight-panel", "insight-preview")]["children"])
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
