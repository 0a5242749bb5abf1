from __future__ import annotations

import json
import time

import httpx
import pytest

pytestmark = pytest.mark.integration

OUTPUTS = [
    ("fams-connected", "children"),
    ("fams-alerts", "children"),
    ("fams-share", "figure"),
    ("fams-current", "figure"),
    ("fams-history", "figure"),
    ("fams-intervention", "children"),
    ("bk-status", "children"),
    ("bk-status", "color"),
    ("bk-status", "className"),
    ("bk-freshness", "children"),
]


def _key(kind: str, board: object) -> str:
    return json.dumps({"board": board, "type": kind}, separators=(",", ":"))


def _poll_payload() -> dict:
    return {
        "output": ".."
        + "...".join(f"{_key(kind, ['MATCH'])}.{prop}" for kind, prop in OUTPUTS)
        + "..",
        "outputs": [{"id": {"board": "fams", "type": k}, "property": p} for k, p in OUTPUTS],
        "inputs": [
            {"id": {"board": "fams", "type": "fams-poll"}, "property": "n_intervals", "value": 1}
        ],
        "state": [{"id": {"board": "fams", "type": "fams-connected"}, "property": "children"}],
        "changedPropIds": [],
    }


def _poll(stack) -> dict:
    answer = httpx.post(
        stack.page_url() + "_dash-update-component", json=_poll_payload(), timeout=15
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["response"]


def _wait_for_six_workers(stack) -> dict:
    deadline = time.monotonic() + 20
    while True:
        response = _poll(stack)
        if "6" in json.dumps(response[_key("fams-connected", "fams")]["children"]):
            return response
        assert time.monotonic() < deadline, response[_key("bk-status", "fams")]
        time.sleep(0.5)


def test_page_is_served_under_the_tenant_prefix_through_the_gateway(stack):
    answer = httpx.get(stack.page_url(), timeout=15)
    assert answer.status_code == 200
    prefix = f"/dazzler/{stack.tenants['acme'].slug}/-/fams/".replace("/", "\\u002f")
    assert prefix in answer.text
    assert "<title>Worker fatigue · Fams Test</title>" in answer.text


def test_board_refuses_requests_that_bypass_the_gateway(stack):
    assert httpx.get(stack.direct + "/", timeout=5).status_code == 403
    direct = httpx.post(stack.direct + "/_dash-update-component", json=_poll_payload(), timeout=5)
    assert direct.status_code == 403
    assert "Line1" not in direct.text


def test_poll_draws_every_line_of_the_simulator_with_the_tenant_limit(stack):
    response = _wait_for_six_workers(stack)
    share = response[_key("fams-share", "fams")]["figure"]
    assert share["data"][0]["labels"] == ["Line1", "Line2", "Line3"]
    assert share["data"][0]["values"] == [2, 2, 2]
    current = response[_key("fams-current", "fams")]["figure"]
    assert current["data"][0]["x"] == ["Line1", "Line2", "Line3"]
    assert all(0 <= y <= 10 for y in current["data"][0]["y"])
    # The tenant's board setting fatigue_limit=4 replaces the default of 7.
    limit = [s for s in current["layout"]["shapes"] if s["type"] == "line"]
    assert limit[0]["y0"] == 4
    history = response[_key("fams-history", "fams")]["figure"]
    assert [t["name"] for t in history["data"]] == ["Line1", "Line2", "Line3"]
    assert history["layout"]["xaxis"]["title"]["text"] == "Time (Europe/Rome)"
    status = response[_key("bk-status", "fams")]
    assert status["children"].startswith("Live")


def test_poll_shows_the_generators_last_intervention(stack):
    deadline = time.monotonic() + 30
    while True:
        panel = json.dumps(_poll(stack)[_key("fams-intervention", "fams")]["children"])
        if "Move " in panel or "Keep the current configuration" in panel:
            break
        assert time.monotonic() < deadline, panel
        time.sleep(1)
    assert "(Europe/Rome)" in panel
