"""The sleuth service's boards in headless Chromium, reached through the real gateway."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]

COUNT = (
    "() => document.querySelector('.js-plotly-plot').data.slice(0, 2)"
    ".reduce((n, t) => n + t.x.length, 0)"
)


def test_slt101_tweezers_render_update_and_download(stack, page):
    tab, problems = page
    tab.goto(stack.page_url("acme", "tweezers"))
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    tab.wait_for_selector(".js-plotly-plot .barlayer .trace", timeout=10_000)
    before = tab.evaluate(COUNT)
    tab.wait_for_function(f"{COUNT} > {before}", timeout=5_000)
    # Read what is on screen before the download: a live update in between may add a
    # series (the first scrap item) that the file, made a moment earlier, cannot have.
    shown = tab.evaluate(
        "() => document.querySelector('.js-plotly-plot').data.map(t => [t.name, t.x])"
    )
    with tab.expect_download() as download:
        tab.click("text=Download CSV")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert rows[0] == ["series", "item", "conformance"]
    for name, xs in shown:
        got = [r[1] for r in rows[1:] if r[0] == name]
        assert got[: len(xs)] == xs[: len(got)]
        # A series with nothing yet (no scrap item so far) is a legend entry, no rows.
        assert got or not xs
    assert problems == []


def test_slt102_defect_bubbles_render(stack, page):
    tab, problems = page
    tab.goto(stack.page_url("globex", "sleuth"))
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    tab.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=10_000)
    assert "Defect size" in tab.inner_text("h1")
    assert problems == []


def test_slt103_the_picker_speaks_of_cameras(stack, page):
    tab, problems = page
    tab.goto(stack.page_url("acme", "sleuth"))
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    controls = tab.inner_text(".card-body")
    assert "Cameras" in controls
    assert "Machines" not in controls
    assert problems == []


ITEMS = "() => new Set(document.querySelector('.js-plotly-plot').data.flatMap(t => t.x)).size"
OVERLAP = """() => {
    const title = document.querySelector('.js-plotly-plot .xtitle').getBoundingClientRect();
    const labels = [...document.querySelectorAll('.js-plotly-plot .xaxislayer-above text')];
    return Math.max(...labels.map(e => e.getBoundingClientRect().bottom)) - title.top;
}"""


def test_slt104_many_item_labels_clear_the_axis_title(stack, page):
    tab, problems = page
    tab.goto(stack.page_url("acme", "raw-materials"))
    tab.wait_for_selector(".bk-status-live", timeout=20_000)
    tab.wait_for_function(f"({ITEMS})() >= 25", timeout=90_000)
    tab.wait_for_timeout(500)  # the relayout that makes room for the labels
    assert tab.evaluate(OVERLAP) <= 0
    assert problems == []
