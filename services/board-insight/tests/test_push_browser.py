"""Pushed updates on the insight boards as a viewer sees them, in Chromium through the
gateway: a new KPI reading, a changed recommendation and a new insight show by themselves
on the page's one push stream, and the viewer keeps the insight and tab they chose."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TIMEOUT = 30_000
# Far below the page's poll while pushed (60 s): what shows within it came pushed.
PUSHED_WITHIN = 10_000
BOARD = "insight-preview"


def _kpis(scrap_best: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [("Throughput", "100.5", [("ae", "1.25")]), ("Scrap", scrap_best, [("HB", "7.75")])]


def _reading(stack: Any, insight: str, kpi: str, value: float) -> None:
    """One measured KPI reading sent to QuantumLeap, stamped now."""
    suffix = insight.rsplit(":", 1)[-1]
    entity = {
        "id": f"urn:ngsi-ld:InsightKPI:{suffix}:{kpi}",
        "type": "InsightKPI",
        "insightId": {"type": "Text", "value": insight},
        "kpi": {"type": "Text", "value": kpi},
        "value": {"type": "Number", "value": value},
        "TimeInstant": {"type": "DateTime", "value": datetime.now(UTC).isoformat()},
    }
    answer = httpx.post(
        stack.ql + "/v2/notify",
        headers={"Fiware-Service": stack.tenants["acme"].fiware_service},
        json={"data": [entity]},
        timeout=10,
    )
    assert answer.is_success, answer.text


def _plotted(page: Any) -> list[float]:
    values: list[float] = page.evaluate(
        "() => [...document.querySelectorAll('.insight-pane .js-plotly-plot')]"
        ".flatMap(g => (g.data || []).flatMap(t => Array.from(t.y || [])))"
    )
    return values


def _pushed_since(page: Any, since: int) -> list[str]:
    series: list[str] = page.evaluate(
        f"() => window.boardkitPush.log('{BOARD}')"
        f".filter(f => f.received > {since}).map(f => f.series)"
    )
    return series


def test_ins301_new_readings_insights_and_results_are_pushed_on_the_chosen_tab(
    stack, page, put_insight
):
    # Ids of this run only (the stand-ins keep what earlier runs sent).
    run = uuid.uuid4().hex[:8]
    chosen, added = f"urn:ngsi-ld:Insights:p{run}a", f"urn:ngsi-ld:Insights:p{run}b"
    put_insight(chosen, _kpis("3.25"))
    _reading(stack, chosen, "Scrap", 4.5)

    page.goto(stack.page_url(board=BOARD) + f"?insight={quote(chosen, safe='')}")
    page.get_by_role("tab", name="Scrap").click()
    expect(page.locator("[role=tab].active")).to_have_text("Scrap", timeout=TIMEOUT)
    badge = page.locator(".bk-push")
    expect(badge).to_have_text("Live (pushed)", timeout=TIMEOUT)
    expect(badge).to_have_class(re.compile(r"bk-push-live"))
    expect(page).to_have_url(re.compile(r"kpi=Scrap"), timeout=TIMEOUT)
    address = page.url

    # A new reading of the chosen KPI: on screen without reload, announced on the
    # stream for this insight's KPI series.
    since = page.evaluate("() => Date.now()")
    _reading(stack, chosen, "Scrap", 42.125)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.insight-pane .js-plotly-plot')]"
        ".some(g => (g.data || []).some(t => Array.from(t.y || []).includes(42.125)))",
        timeout=PUSHED_WITHIN,
    )
    assert 4.5 in _plotted(page)
    kpis = "panel:kpis?insight=" + quote(chosen, safe="")
    assert kpis in _pushed_since(page, since)

    # A changed recommendation of the chosen insight.
    since = page.evaluate("() => Date.now()")
    put_insight(chosen, _kpis("2.75"))
    expect(page.locator(".insight-pane .fs-4")).to_have_text("Scrap = 2.75", timeout=PUSHED_WITHIN)
    assert "panel:state?insight=" + quote(chosen, safe="") in _pushed_since(page, since)

    # A new insight joins the picker; the viewer stays where they were.
    since = page.evaluate("() => Date.now()")
    put_insight(added, _kpis("9.5"))
    page.wait_for_function(
        f"() => window.boardkitPush.log('{BOARD}')"
        f".some(f => f.received > {since} && f.series === 'panel:insights')",
        timeout=PUSHED_WITHIN,
    )
    page.locator(".dash-dropdown").first.click()
    expect(page.get_by_role("option", name=added)).to_be_visible(timeout=PUSHED_WITHIN)
    page.keyboard.press("Escape")

    expect(page.locator("[role=tab].active")).to_have_text("Scrap")
    expect(page.locator(".insight-pane .fs-4")).to_have_text("Scrap = 2.75")
    expect(page.locator(".dash-dropdown").first).to_contain_text(chosen)
    assert page.url == address
    expect(badge).to_have_text("Live (pushed)")
    assert page.problems == []
