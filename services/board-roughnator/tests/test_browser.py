"""The roughnator in headless Chromium, reached through the real gateway."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def points(tab: Page) -> int:
    return int(tab.evaluate("() => document.querySelector('.js-plotly-plot').data[1].x.length"))


def test_rgh101_renders_goes_live_and_downloads_what_is_shown(stack, page):
    tab, problems = page
    tab.goto(stack.page_url("acme"))
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    assert tab.inner_text(".navbar-brand") == "ACME Milling"
    tab.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=10_000)
    before = points(tab)
    # A new point arrives within two intervals (1 s each here) plus one simulator tick.
    tab.wait_for_function(
        f"() => document.querySelector('.js-plotly-plot').data[1].x.length > {before}",
        timeout=5_000,
    )
    assert "last point" in tab.inner_text("footer")
    shown = tab.evaluate(
        "() => document.querySelector('.js-plotly-plot').data.map(t => [t.name, t.x, t.y])"
    )
    with tab.expect_download() as download:
        tab.click("text=Download CSV")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert rows[0] == ["series", "time (Europe/Rome)", "value"]
    by_series: dict[str, list[list[str]]] = {}
    for name, x, y in rows[1:]:
        by_series.setdefault(name, []).append([x, y])
    for name, xs, ys in shown:
        got = by_series[name]
        # The CSV was taken from the figure a moment after we read it: same points, maybe
        # one newer tick at the end.
        assert [r[0] for r in got[: len(xs)]] == xs[: len(got)]
        assert [float(r[1]) for r in got[: len(ys)]] == pytest.approx(ys[: len(got)])
    assert problems == []


def test_rgh102_a_second_tenant_in_the_same_process_sees_its_own_page(stack, page):
    tab, problems = page
    tab.goto(stack.page_url("globex"))
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    assert tab.inner_text(".navbar-brand") == "Globex Works"
    assert "America/New_York" in tab.inner_text("footer")
    assert problems == []


def test_rgh103_dark_tenants_get_dark_controls(stack, page):
    tab, problems = page
    tab.goto(stack.page_url("acme"))
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    background = "el => getComputedStyle(el).backgroundColor"
    body = tab.eval_on_selector("body", background)
    dropdown = tab.eval_on_selector(".dash-dropdown", background)
    # Dark page, dark picker: not the light default of Dash's controls.
    assert dropdown == body or luminance(dropdown) < 0.25
    tab.click(".dash-dropdown")
    menu = tab.wait_for_selector(".dash-dropdown-content", timeout=5_000)
    assert luminance(menu.evaluate(background)) < 0.25
    assert problems == []


def luminance(css_colour: str) -> float:
    """0 (black) … 1 (white) for an ``rgb(…)``/``rgba(…)`` colour."""
    values = [float(v) for v in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3]]
    return sum(values) / (3 * 255)


def test_rgh104_the_legend_names_machines_and_measurements(stack, page):
    tab, problems = page
    tab.goto(stack.page_url("acme"))
    tab.wait_for_selector(".js-plotly-plot .legendtext", timeout=20_000)
    entries = tab.eval_on_selector_all(
        ".js-plotly-plot .legendtext", "els => els.map(e => e.textContent)"
    )
    assert entries[0].startswith("Machine ")
    assert entries[0].endswith(" · acceleration")
    assert entries[1] == entries[0].replace("acceleration", "roughness")
    assert problems == []
