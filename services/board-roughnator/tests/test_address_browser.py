"""The board's state in its address, in headless Chromium through the real gateway: a
copied link opens the same view in a fresh browser, back/forward step through changes,
and a bad address shows the defaults with a notice."""

from __future__ import annotations

from typing import Any

import pytest
from dazzler_stack.testing import recording_page
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SECOND = "RoughnessEstimate:2"


def view(tab: Page) -> tuple[str, str, list[str]]:
    """What a viewer sees: the picked machines, the window, the figure's series."""
    tab.wait_for_selector(".js-plotly-plot .legendtext", timeout=20_000)
    dropdowns = tab.locator(".dash-dropdown")
    names = tab.eval_on_selector_all(
        ".js-plotly-plot .legendtext", "els => els.map(e => e.textContent)"
    )
    return dropdowns.nth(0).inner_text(), dropdowns.nth(1).inner_text(), sorted(names)


def test_rgh201_a_copied_address_opens_the_same_view_and_history_steps_back(
    stack: Any, browser: Any, page: tuple[Page, list[str]]
) -> None:
    tab, problems = page
    tab.goto(stack.page_url("acme"))
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    first = tab.url
    tab.locator(".dash-dropdown").nth(0).click()
    tab.get_by_role("option", name=SECOND).click()
    tab.keyboard.press("Escape")
    tab.wait_for_function("() => location.search.includes('RoughnessEstimate%3A2')")
    tab.locator(".dash-dropdown").nth(1).click()
    tab.get_by_role("option", name="Last hour").click()
    tab.wait_for_function("() => location.search.includes('window=1h')")
    tab.wait_for_function(
        "() => document.querySelector('.js-plotly-plot').data.some(t => t.name.includes('2'))",
        timeout=20_000,
    )
    shown = view(tab)
    assert "Last hour" in shown[1]
    assert SECOND in shown[0]

    with recording_page(browser) as fresh:
        fresh.goto(tab.url)
        fresh.wait_for_selector(".bk-status-live", timeout=20_000)
        fresh.wait_for_function(
            "() => document.querySelector('.js-plotly-plot').data.some(t => t.name.includes('2'))",
            timeout=20_000,
        )
        assert view(fresh) == shown
        assert fresh.problems == []

    # Back and forward from the page itself (history.go), then wait for what the viewer
    # sees: Playwright's go_back waits for a navigation event of its own, and on a busy box
    # that wait sometimes never ended (the entries are the page's own pushState entries).
    step(tab, -1, "() => !location.search.includes('window=1h')")
    tab.wait_for_function(
        "() => !document.querySelectorAll('.dash-dropdown')[1].innerText.includes('Last hour')"
    )
    step(tab, 1, "() => location.search.includes('window=1h')")
    tab.wait_for_function(
        "() => document.querySelectorAll('.dash-dropdown')[1].innerText.includes('Last hour')"
    )
    assert tab.url != first
    assert problems == []


def step(tab: Page, delta: int, arrived: str) -> None:
    """Go ``delta`` entries through the tab's history; fail saying where it stands if the
    address does not get where ``arrived`` says within 20 s."""
    before = tab.url
    tab.evaluate("delta => history.go(delta)", delta)
    try:
        tab.wait_for_function(arrived, timeout=20_000)
    except PlaywrightTimeoutError as exc:
        length = tab.evaluate("() => history.length")
        raise AssertionError(
            f"history.go({delta}) from {before} stayed at {tab.url} ({length} entries)"
        ) from exc


def test_rgh202_a_bad_address_shows_the_defaults_and_says_so(
    stack: Any, page: tuple[Page, list[str]]
) -> None:
    tab, problems = page
    # ACME's boards are dark; the link asks for light.
    response = tab.goto(stack.page_url("acme") + "?window=2y&n=-4&embed=1&theme=light")
    # Through the gateway, only the board's own origin may frame it (no tenant setting).
    assert response is not None
    assert response.headers["content-security-policy"] == "frame-ancestors 'self'"
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    notice = tab.wait_for_selector(".alert-warning", timeout=10_000).inner_text()
    assert "'2y'" in notice
    assert "'-4'" in notice
    assert "Last N points" in tab.locator(".dash-dropdown").nth(1).inner_text()
    # Embedded: no navigation bar.
    tab.wait_for_selector(".navbar", state="hidden", timeout=5_000)
    tab.wait_for_function(
        "() => document.querySelector('div[data-bs-theme]').dataset.bsTheme === 'light'"
    )
    tab.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=20_000)
    # Page and figure both light: a light background and the light template's dark text.
    assert (
        luminance(
            tab.eval_on_selector("div[data-bs-theme]", "el => getComputedStyle(el).backgroundColor")
        )
        > 0.75
    )
    text = "() => document.querySelector('.js-plotly-plot')._fullLayout.font.color"
    assert tab.evaluate(text) == "#212529"
    assert problems == []


def luminance(css_colour: str) -> float:
    """0 (black) … 1 (white) for an ``rgb(…)``/``rgba(…)`` colour."""
    values = [float(v) for v in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3]]
    return sum(values) / (3 * 255)
