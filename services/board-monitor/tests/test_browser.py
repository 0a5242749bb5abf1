"""A monitor created through the admin API, in headless Chromium through the real gateway:
it appears live with data without code or restart, and a changed spec shows on the next
page load."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def plot(tab: Page, expression: str):
    return tab.evaluate(
        f"() => {{ const p = document.querySelector('.js-plotly-plot'); {expression} }}"
    )


def test_mon101_monitor_appears_live_then_its_spec_change_shows_on_reload(
    stack, admin, add_monitor, machines, page
):
    tab, problems = page
    url = add_monitor("acme", "machines", machines)

    tab.goto(url)
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    assert tab.inner_text("h1") == "Machine telemetry"
    tab.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=10_000)
    names = plot(tab, "return p.data.map(t => t.name);")
    assert names == ["machine1 Temperature", "machine1 Power"]
    assert plot(tab, "return p.data[0].x.length;") > 0
    newest = plot(tab, "return p.data[0].x[p.data[0].x.length - 1];")
    # New points arrive live (5 s poll, 1 s simulator ticks); the window rolls, so the
    # newest time moves on while the count may stay the same.
    tab.wait_for_function(
        "newest => { const x = document.querySelector('.js-plotly-plot').data[0].x;"
        " return x[x.length - 1] !== newest; }",
        arg=newest,
        timeout=20_000,
    )
    shapes = plot(tab, "return p.layout.shapes.map(s => [s.y0, s.line.color]);")
    assert shapes == [[75, "#d62728"]]
    assert "°C" in tab.inner_text(".js-plotly-plot")
    # Current values from Orion, one card for the selected machine.
    tab.wait_for_selector(".mon-card", timeout=15_000)
    card = tab.inner_text(".mon-card")
    assert "machine1" in card
    assert "°C" in card
    assert "kW" in card

    changed = machines
    changed["title"] = "Machines, hall 2"
    changed["attributes"][0]["thresholds"] = [{"value": 70, "label": "warm", "color": "#9467bd"}]
    tenant = stack.tenants["acme"].slug
    answer = admin.patch(f"/tenants/{tenant}/monitors/machines", json={"spec": changed})
    assert answer.status_code == 200, answer.text

    tab.reload()
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    assert tab.inner_text("h1") == "Machines, hall 2"
    tab.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=10_000)
    shapes = plot(tab, "return p.layout.shapes.map(s => [s.y0, s.line.color]);")
    assert shapes == [[70, "#9467bd"]]
    assert "warm 70 °C" in tab.inner_text(".js-plotly-plot")
    assert problems == []
