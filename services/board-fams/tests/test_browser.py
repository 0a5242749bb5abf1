from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TIMEOUT = 30_000


def test_fams001_figures_render_with_simulator_data(stack, page):
    page.goto(stack.page_url())
    expect(page.locator(".fams-connected")).to_have_text(
        re.compile(r"Connected workers:\s*6"), timeout=TIMEOUT
    )
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=TIMEOUT)
    # One pie slice per line, bars for the three lines and the tenant's limit drawn.
    expect(page.locator(".js-plotly-plot .slice")).to_have_count(3, timeout=TIMEOUT)
    expect(page.locator(".js-plotly-plot .bars .point")).to_have_count(3, timeout=TIMEOUT)
    expect(page.get_by_text("limit 4").first).to_be_visible()
    expect(page.get_by_text("Time (Europe/Rome)")).to_be_visible()
    expect(page.locator(".card.mt-3", has_text="Last accepted intervention")).to_contain_text(
        re.compile(r"Move \d+ workers? from Line\d to Line\d|Keep the current configuration"),
        timeout=TIMEOUT,
    )
    expect(page.locator(".navbar")).to_contain_text("Fams Test")
    assert page.problems == []


def test_fams002_updates_live_without_reloading(stack, page):
    page.goto(stack.page_url())
    status = page.locator(".bk-status-live")
    # Says who is shown and how recent the data is, not a count of plotted points.
    expect(status).to_have_text(
        re.compile(r"Live · 6 workers connected on 3 lines · last reading \d\d:\d\d:\d\d"),
        timeout=TIMEOUT,
    )
    footer = page.locator("footer.border-top")
    expect(footer).to_contain_text("checked", timeout=TIMEOUT)
    first = footer.inner_text()
    reading = status.inner_text()
    # The tenant polls every second; a new check time and a newer reading show the page
    # refreshing by itself.
    expect(footer).not_to_have_text(first, timeout=TIMEOUT)
    expect(status).not_to_have_text(reading, timeout=TIMEOUT)
    assert page.problems == []


def test_fams003_new_readings_are_pushed_and_the_page_pulls_its_patch(stack, page):
    page.goto(stack.page_url())
    badge = page.locator(".bk-push")
    expect(badge).to_have_text("Live (pushed)", timeout=TIMEOUT)
    expect(badge).to_have_class(re.compile(r"bk-push-live"))
    # Each new reading is announced once on the page's stream, which then pulls its patch.
    page.wait_for_function(
        "() => window.boardkitPush.log('fams').filter(f => f.series === 'panel:workers')"
        ".length >= 2",
        timeout=TIMEOUT,
    )
    status = page.locator(".bk-status-live")
    reading = status.inner_text()
    expect(status).not_to_have_text(reading, timeout=TIMEOUT)
    assert page.problems == []
