"""Theme and embed mode from the address on a panel board, in headless Chromium through
the real gateway (the live boards' counterpart is in board-roughnator)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TIMEOUT = 30_000
FIGURE_TEXT = "() => document.querySelector('.js-plotly-plot')._fullLayout.font.color"


def test_fams101_theme_and_embed_from_the_address_apply_to_the_panel_board(stack, page):
    # Globex's boards are light; the link asks for dark.
    response = page.goto(stack.page_url("globex") + "?theme=dark&embed=1")
    assert response is not None
    assert response.headers["content-security-policy"] == "frame-ancestors 'self'"
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=TIMEOUT)
    expect(page.locator(".js-plotly-plot .slice")).to_have_count(3, timeout=TIMEOUT)
    # Embedded: no navigation bar, no title, no footer.
    expect(page.locator(".navbar")).to_be_hidden()
    expect(page.locator("footer.border-top")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_hidden()
    page.wait_for_function(
        "() => document.querySelector('div[data-bs-theme]').dataset.bsTheme === 'dark'"
    )
    background = page.eval_on_selector(
        "div[data-bs-theme]", "el => getComputedStyle(el).backgroundColor"
    )
    assert background == "rgb(33, 37, 41)"  # Bootstrap's dark body
    # The figures are drawn with the dark template (light text).
    page.wait_for_function(f"() => ({FIGURE_TEXT})() === '#dee2e6'", timeout=TIMEOUT)
    expect(page.locator(".alert-warning")).to_have_count(0)
    assert page.problems == []


def test_fams102_a_bad_theme_in_the_address_shows_the_tenant_theme_and_says_so(stack, page):
    page.goto(stack.page_url("globex") + "?theme=pink&embed=yes")
    notice = page.locator(".alert-warning")
    expect(notice).to_contain_text("unknown theme 'pink'", timeout=TIMEOUT)
    expect(notice).to_contain_text("embed='yes'")
    expect(page.locator(".navbar")).to_contain_text("Globex Works")
    expect(page.locator(".js-plotly-plot .slice")).to_have_count(3, timeout=TIMEOUT)
    assert page.evaluate(FIGURE_TEXT) == "#212529"
    assert page.problems == []
