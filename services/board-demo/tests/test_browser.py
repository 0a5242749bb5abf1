from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TIMEOUT = 30_000


def test_dem001_figures_buttons_and_echo(stack, page):
    page.goto(stack.page_url())
    expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=TIMEOUT)
    expect(page.get_by_text("Parts per day by plant")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".btn-primary", has_text="Primary")).to_be_visible()
    for colour in ("secondary", "success", "info", "warning", "danger", "light", "dark", "link"):
        expect(page.locator(f".btn-{colour}").first).to_be_visible()
    page.get_by_placeholder("Type something…").fill("hello board")
    expect(page.get_by_text("You typed: hello board")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".navbar")).to_contain_text("Demo Test")
    assert page.problems == []


def test_dem002_theme_and_mode_switch(stack, page):
    page.goto(stack.page_url())
    button = page.locator(".btn-primary", has_text="Primary")
    expect(button).to_be_visible(timeout=TIMEOUT)
    before = button.evaluate("b => getComputedStyle(b).backgroundColor")
    page.locator("select").select_option("ember")
    # Ember's primary is #d9480f.
    expect(button).to_have_css("background-color", "rgb(217, 72, 15)", timeout=TIMEOUT)
    assert before != "rgb(217, 72, 15)"
    page.get_by_label("Dark").check()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark", timeout=TIMEOUT)
    body = page.locator("body")
    expect(body).to_have_css("background-color", "rgb(33, 37, 41)", timeout=TIMEOUT)
    assert page.problems == []
