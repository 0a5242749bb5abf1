from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TIMEOUT = 30_000


def test_ins001_insight_renders_tabs_table_and_best_value(stack, page):
    page.goto(stack.page_url(board="insight"))
    expect(page.get_by_role("tab", name="Throughput")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("tab", name="Scrap")).to_be_visible()
    expect(page.get_by_text("Throughput = ")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Parameter")
    expect(page.locator(".main-svg").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("tab", name="Scrap").click()
    expect(page.get_by_text("Scrap = ")).to_be_visible(timeout=TIMEOUT)
    assert page.problems == []


def test_ins002_preview_draws_measured_points_and_switches_insight(stack, page):
    page.goto(stack.page_url(board="insight-preview"))
    expect(page.get_by_role("tab", name="Throughput")).to_be_visible(timeout=TIMEOUT)
    # Markers of the measured series (more than the two ends of a constant line).
    points = page.locator(".insight-pane:visible .scatterlayer .point")
    expect(points.nth(2)).to_be_attached(timeout=TIMEOUT)
    page.locator(".Select-control, .dash-dropdown").first.click()
    page.get_by_text("urn:ngsi-ld:Insights:2").click()
    expect(page.get_by_role("tab", name="Energy")).to_be_visible(timeout=TIMEOUT)
    assert page.problems == []
