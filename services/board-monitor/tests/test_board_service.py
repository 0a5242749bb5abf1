"""The monitor service as a real process behind the real gateway and registry."""

from __future__ import annotations

import httpx
import pytest
from dazzler_stack.testing import live_outputs, live_update_request

pytestmark = pytest.mark.integration

MACHINE = "urn:ngsi-ld:MachineTelemetry:machine1"


def main_callback(page_url: str, selection: list[str]) -> dict:
    body = live_update_request("monitor", selection=selection, poll=False, cursor=None, last_n=20)
    answer = httpx.post(page_url + "_dash-update-component", json=body, timeout=15)
    assert answer.status_code == 200, answer.text
    return live_outputs(answer.json())


def test_mon001_a_new_monitor_serves_its_spec_for_its_tenant_only(stack, add_monitor, machines):
    url = add_monitor("acme", "machines", machines)

    layout = httpx.get(url + "_dash-layout")

    assert layout.status_code == 200
    assert "Machine telemetry" in layout.text
    assert "MachineTelemetry" in layout.text
    assert httpx.get(stack.page_url("globex", "machines")).status_code == 404


def test_mon002_main_callback_draws_each_attribute_with_its_threshold(stack, add_monitor, machines):
    url = add_monitor("acme", "machines", machines)

    parts = main_callback(url, [MACHINE])

    figure = parts["graph"]["figure"]
    assert [t["name"] for t in figure["data"]] == ["machine1 Temperature", "machine1 Power"]
    assert 0 < len(figure["data"][0]["y"]) <= 20
    assert all(isinstance(v, float) for v in figure["data"][0]["y"])
    assert [(s["y0"], s["line"]["color"]) for s in figure["layout"]["shapes"]] == [(75, "#d62728")]
    assert "bk-status-live" in parts["status"]["className"]


def test_mon003_the_board_refuses_requests_without_a_signed_context(stack):
    assert httpx.get(stack.direct + "/_dash-layout").status_code == 403
    assert httpx.get(stack.direct + "/healthz").json() == {"status": "ok"}
