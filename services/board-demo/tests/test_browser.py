from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TIMEOUT = 30_000
EMBER = "rgb(217, 72, 15)"
FIGURE_TEXT = "() => document.querySelector('.js-plotly-plot')._fullLayout.font.color"


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


def test_dem002_theme_and_mode_switch_live_in_the_address(stack, page):
    # Globex's boards are light.
    page.goto(stack.page_url("globex"))
    button = page.locator(".btn-primary", has_text="Primary")
    expect(button).to_be_visible(timeout=TIMEOUT)
    before = button.evaluate("b => getComputedStyle(b).backgroundColor")
    page.locator("select").select_option("ember")
    # Ember's primary is #d9480f.
    expect(button).to_have_css("background-color", EMBER, timeout=TIMEOUT)
    assert before != EMBER
    page.wait_for_function("() => location.search.includes('palette=ember')", timeout=TIMEOUT)
    page.get_by_label("Dark").check()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark", timeout=TIMEOUT)
    body = page.locator("body")
    expect(body).to_have_css("background-color", "rgb(33, 37, 41)", timeout=TIMEOUT)
    page.wait_for_function(f"() => ({FIGURE_TEXT})() === '#dee2e6'", timeout=TIMEOUT)
    page.wait_for_function("() => location.search.includes('theme=dark')", timeout=TIMEOUT)
    # A reload (or the copied link) shows the same look, the pickers saying so.
    page.reload()
    expect(button).to_have_css("background-color", EMBER, timeout=TIMEOUT)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark", timeout=TIMEOUT)
    expect(page.locator("select")).to_have_value("ember", timeout=TIMEOUT)
    expect(page.get_by_label("Dark")).to_be_checked(timeout=TIMEOUT)
    # Back steps to the light mode, still in Ember.
    page.go_back()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light", timeout=TIMEOUT)
    expect(page.get_by_label("Light")).to_be_checked(timeout=TIMEOUT)
    expect(button).to_have_css("background-color", EMBER, timeout=TIMEOUT)
    assert page.problems == []


def test_dem004_a_colour_theme_the_board_lacks_falls_back_and_says_so(stack, page):
    page.goto(stack.page_url() + "?palette=neon")
    notice = page.locator(".alert-warning")
    expect(notice).to_contain_text("unknown colour palette 'neon'", timeout=TIMEOUT)
    button = page.locator(".btn-primary", has_text="Primary")
    expect(button).to_have_css("background-color", "rgb(13, 110, 253)", timeout=TIMEOUT)
    expect(page.locator("select")).to_have_value("bootstrap")
    assert page.problems == []


def test_dem003_figures_use_the_width_below_the_explanation(stack, page):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(stack.page_url())
    expect(page.locator(".main-svg").first).to_be_visible(timeout=TIMEOUT)
    about = page.get_by_text("About this board").locator(
        "xpath=ancestor::div[contains(@class,'card')][1]"
    )
    first_figure = page.locator("#showcase-figures > div").first
    expect(first_figure).to_be_visible(timeout=TIMEOUT)
    card, figure = about.bounding_box(), first_figure.bounding_box()
    assert card is not None
    assert figure is not None
    # The figures start at the page's left edge, under the explanation, not beside an
    # empty column.
    assert figure["y"] > card["y"] + card["height"]
    assert figure["x"] < card["x"] + card["width"] / 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.problems == []
