"""What a viewer sees while switching insights and tabs, through the real gateway: every
visible value is the selected insight's own, also after its data changes, a reload or
opening a copied link in a fresh browser."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TIMEOUT = 30_000
# Ids the generator never writes, so these insights keep exactly the values set here.
SEVEN = "urn:ngsi-ld:Insights:7"
EIGHT = "urn:ngsi-ld:Insights:8"
# Per insight: (KPI, best value, [(parameter, value)]).
Kpis = list[tuple[str, str, list[tuple[str, str]]]]
SEVEN_KPIS: Kpis = [
    ("Throughput", "100.5", [("ae", "1.25"), ("fz", "2.5")]),
    ("Scrap", "3.25", [("HB", "7.75")]),
]
EIGHT_KPIS: Kpis = [
    ("Energy", "41.5", [("Speed", "10.5"), ("Feed", "0.75")]),
    ("Throughput", "151.25", [("Diam", "12.5")]),
]


@pytest.fixture
def insights(put_insight: Any) -> None:
    put_insight(SEVEN, SEVEN_KPIS)
    put_insight(EIGHT, EIGHT_KPIS)


def _expect_view(page: Any, kpis: Kpis, shown: str) -> None:
    """The tabs are this insight's KPIs, ``shown``'s tab is selected and the one visible
    pane holds exactly its best value and recommended settings."""
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_text([name for name, _, _ in kpis], timeout=TIMEOUT)
    expect(page.locator("[role=tab].active")).to_have_text(shown)
    (best, parameters) = next((b, p) for name, b, p in kpis if name == shown)
    pane = page.locator(".insight-pane:visible")
    expect(pane).to_have_count(1, timeout=TIMEOUT)
    expect(pane.locator(".fs-4")).to_have_text(f"{shown} = {best}", timeout=TIMEOUT)
    expect(pane.locator("tbody tr")).to_have_text(
        [f"{name}{value}" for name, value in parameters], timeout=TIMEOUT
    )
    expect(pane.locator(".gtitle")).to_contain_text(shown, timeout=TIMEOUT)


def _pick(page: Any, insight: str) -> None:
    page.locator(".dash-dropdown").first.click()
    page.get_by_role("option", name=insight).click()


def test_ins003_switching_insights_and_tabs_shows_only_the_selected_insights_values(
    stack, page, insights, put_insight
):
    page.goto(stack.page_url(board="insight") + f"?insight={SEVEN}")
    _expect_view(page, SEVEN_KPIS, "Throughput")
    page.get_by_role("tab", name="Scrap").click()
    _expect_view(page, SEVEN_KPIS, "Scrap")

    _pick(page, EIGHT)
    # Scrap is not a KPI of insight 8: its first tab is shown.
    _expect_view(page, EIGHT_KPIS, "Energy")
    page.get_by_role("tab", name="Throughput").click()
    _expect_view(page, EIGHT_KPIS, "Throughput")

    # New data appears by itself, on the tab the viewer chose.
    changed = [EIGHT_KPIS[0], ("Throughput", "152.5", [("Diam", "13.75")])]
    put_insight(EIGHT, changed)
    _expect_view(page, changed, "Throughput")

    _pick(page, SEVEN)
    _expect_view(page, SEVEN_KPIS, "Throughput")
    assert page.problems == []


def test_ins004_reload_and_a_copied_link_reopen_the_same_insight_and_tab(
    stack, browser, page, insights
):
    page.goto(stack.page_url(board="insight-preview") + f"?insight={EIGHT}&kpi=Throughput")
    _expect_view(page, EIGHT_KPIS, "Throughput")
    page.get_by_role("tab", name="Energy").click()
    _expect_view(page, EIGHT_KPIS, "Energy")
    expect(page).to_have_url(
        f"{stack.page_url(board='insight-preview')}?insight=urn%3Angsi-ld%3AInsights%3A8&kpi=Energy"
    )

    page.reload()
    _expect_view(page, EIGHT_KPIS, "Energy")

    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(page.url)
        _expect_view(other, EIGHT_KPIS, "Energy")
    finally:
        fresh.close()

    assert page.problems == []


def test_ins005_an_unknown_insight_in_the_link_falls_back_with_a_notice(stack, page, insights):
    page.goto(stack.page_url(board="insight") + "?insight=urn:ngsi-ld:Insights:nope&kpi=Nope")
    expect(
        page.get_by_text("urn:ngsi-ld:Insights:nope is not among this tenant's insights")
    ).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("tab").first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("[role=tab].active")).to_have_count(1)
    assert page.problems == []
