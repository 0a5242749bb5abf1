"""The roughnator in headless Chromium behind the stand-in gateway."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

pytestmark = [pytest.mark.browser, pytest.mark.integration]

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    yield tab, problems
    context.close()


def points(tab: Page) -> int:
    return int(tab.evaluate("() => document.querySelector('.js-plotly-plot').data[1].x.length"))


def test_rgh101_renders_goes_live_and_downloads_what_is_shown(gateway, page):
    tab, problems = page
    tab.goto(f"{gateway}/dazzler/acme/-/roughnator/")
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


def test_rgh102_a_second_tenant_in_the_same_process_sees_its_own_page(gateway, page):
    tab, problems = page
    tab.goto(f"{gateway}/dazzler/globex/-/roughnator/")
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    assert tab.inner_text(".navbar-brand") == "Globex Works"
    assert "America/New_York" in tab.inner_text("footer")
    assert problems == []
