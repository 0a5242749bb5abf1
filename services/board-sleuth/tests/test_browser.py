"""The sleuth service's boards in headless Chromium behind the stand-in gateway."""

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


COUNT = (
    "() => document.querySelector('.js-plotly-plot').data.slice(0, 2)"
    ".reduce((n, t) => n + t.x.length, 0)"
)


def test_slt101_tweezers_render_update_and_download(gateway, page):
    tab, problems = page
    tab.goto(f"{gateway}/dazzler/acme/-/tweezers/")
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    tab.wait_for_selector(".js-plotly-plot .barlayer .trace", timeout=10_000)
    before = tab.evaluate(COUNT)
    tab.wait_for_function(f"{COUNT} > {before}", timeout=5_000)
    with tab.expect_download() as download:
        tab.click("text=Download CSV")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert rows[0] == ["series", "item", "conformance"]
    shown = tab.evaluate(
        "() => document.querySelector('.js-plotly-plot').data.map(t => [t.name, t.x])"
    )
    for name, xs in shown:
        got = [r[1] for r in rows[1:] if r[0] == name]
        assert got[: len(xs)] == xs[: len(got)]
        assert got
    assert problems == []


def test_slt102_defect_bubbles_render(gateway, page):
    tab, problems = page
    tab.goto(f"{gateway}/dazzler/globex/-/sleuth/")
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    tab.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=10_000)
    assert "Defect size" in tab.inner_text("h1")
    assert problems == []
