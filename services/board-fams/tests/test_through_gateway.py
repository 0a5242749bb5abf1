from __future__ import annotations

import json
import time

import httpx
import pytest

pytestmark = pytest.mark.integration

SLOTS = [
    ("share", "figure"),
    ("current", "figure"),
    ("history", "figure"),
    ("connected", "children"),
    ("alerts", "children"),
    ("intervention", "children"),
]
KIT = [
    ("bk-status", "children"),
    ("bk-status", "color"),
    ("bk-status", "className"),
    ("bk-freshness", "children"),
    ("bk-revision", "data"),
]


def _id(kind: str, slot: str | None = None) -> dict:
    found = {"board": "fams", "type": kind}
    if slot is not None:
        found["slot"] = slot
    return found


def _key(kind: str, slot: str | None = None) -> str:
    return json.dumps(_id(kind, slot), sort_keys=True, separators=(",", ":"))


OUTPUTS = [(_id("bk-slot", slot), prop) for slot, prop in SLOTS] + [
    (_id(kind), prop) for kind, prop in KIT
]


def _poll_payload(revision: str | None = None) -> dict:
    keys = [json.dumps(i, sort_keys=True, separators=(",", ":")) for i, _ in OUTPUTS]
    return {
        "output": ".."
        + "...".join(f"{k}.{p}" for k, (_, p) in zip(keys, OUTPUTS, strict=True))
        + "..",
        "outputs": [{"id": i, "property": p} for i, p in OUTPUTS],
        "inputs": [
            {"id": _id("bk-panel-poll"), "property": "n_intervals", "value": 1},
            {"id": {**_id("bk-address"), "view": "panel"}, "property": "search", "value": ""},
        ],
        "state": [{"id": _id("bk-revision"), "property": "data", "value": revision}],
        "changedPropIds": [],
    }


def _poll(stack, revision: str | None = None) -> dict:
    answer = httpx.post(
        stack.page_url() + "_dash-update-component", json=_poll_payload(revision), timeout=15
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["response"]


def _wait_for_six_workers(stack) -> dict:
    deadline = time.monotonic() + 20
    while True:
        response = _poll(stack)
        if "6" in json.dumps(response[_key("bk-slot", "connected")]["children"]):
            return response
        assert time.monotonic() < deadline, response[_key("bk-status")]
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
    share = response[_key("bk-slot", "share")]["figure"]
    assert share["data"][0]["labels"] == ["Line1", "Line2", "Line3"]
    assert share["data"][0]["values"] == [2, 2, 2]
    current = response[_key("bk-slot", "current")]["figure"]
    assert current["data"][0]["x"] == ["Line1", "Line2", "Line3"]
    assert all(0 <= y <= 10 for y in current["data"][0]["y"])
    # The tenant's board setting fatigue_limit=4 replaces the default of 7.
    limit = [s for s in current["layout"]["shapes"] if s["type"] == "line"]
    assert limit[0]["y0"] == 4
    history = response[_key("bk-slot", "history")]["figure"]
    assert [t["name"] for t in history["data"]] == ["Line1", "Line2", "Line3"]
    assert history["layout"]["xaxis"]["title"]["text"] == "Time (Europe/Rome)"
    status = response[_key("bk-status")]
    assert status["children"].startswith("Live · 6 workers connected on 3 lines · last reading")


def test_poll_shows_the_generators_last_intervention(stack):
    deadline = time.monotonic() + 30
    while True:
        panel = json.dumps(_poll(stack)[_key("bk-slot", "intervention")]["children"])
        if "Move " in panel or "Keep the current configuration" in panel:
            break
        assert time.monotonic() < deadline, panel
        time.sleep(1)
    assert "(Europe/Rome)" in panel


def test_later_polls_send_only_what_changed(stack):
    first = _wait_for_six_workers(stack)
    revision = first[_key("bk-revision")]["data"]
    deadline = time.monotonic() + 20
    while True:
        time.sleep(1.1)  # the tenant's interval: 1 s
        later = _poll(stack, revision)
        if _key("bk-revision") in later:
            break
        assert time.monotonic() < deadline, "no new rendering"
    history = later.get(_key("bk-slot", "history"), {}).get("figure")
    # New readings arrive as a patch of the changed trace values, not a whole figure.
    assert history is not None
    assert "__dash_patch_update" in history
    changed = {tuple(op["location"][:1]) for op in history["operations"]}
    assert changed <= {("data",), ("layout",)}
    assert "template" not in json.dumps(history)
