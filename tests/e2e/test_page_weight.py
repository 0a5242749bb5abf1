"""What a board page costs on the wire, counted by Chromium through the real gateway.

First visit of a board ≤ 1.0 MB, a repeat visit ≤ 50 KB, and opening a board after another
board of the same tenant ≤ 50 KB: every static asset comes from the one shared, immutable
path, and plotly.js is the cartesian partial bundle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from dazzler_bench.page_weight import BOARDS, BoardWeight, measure_boards, page_weight_stack
from dazzler_stack import LocalStack

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.slow]

FIRST_VISIT_LIMIT = 1_000_000
REPEAT_LIMIT = 50_000


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with page_weight_stack(tmp_path_factory.mktemp("page-weight")) as running:
        yield running


@pytest.fixture(scope="module")
def weights(stack: LocalStack) -> dict[str, BoardWeight]:
    return {w.board: w for w in measure_boards(stack.url("gateway"), list(BOARDS))}


@pytest.mark.parametrize("board", list(BOARDS))
def test_first_visit_is_at_most_a_megabyte(weights: dict[str, BoardWeight], board: str):
    visit = weights[board].first_visit
    assert visit.total <= FIRST_VISIT_LIMIT, visit.largest()
    urls = list(visit.fetched)
    assert any("plotly-cartesian" in url for url in urls)
    # Dash's full plotly.js is never fetched: the partial bundle is window.Plotly.
    assert not any("package_data/plotly" in url for url in urls)


@pytest.mark.parametrize("board", list(BOARDS))
def test_a_repeat_visit_fetches_no_asset_again(weights: dict[str, BoardWeight], board: str):
    visit = weights[board].repeat_visit
    assert visit.total <= REPEAT_LIMIT, visit.largest()


@pytest.mark.parametrize("board", list(BOARDS))
def test_switching_boards_fetches_no_asset_again(weights: dict[str, BoardWeight], board: str):
    visit = weights[board].board_switch
    assert visit.total <= REPEAT_LIMIT, visit.largest()


def test_every_asset_is_on_the_shared_path_and_immutable(stack: LocalStack):
    gateway = stack.url("gateway")
    page = httpx.get(f"{gateway}/dazzler/demo/-/sleuth/").text
    assets = [u for u in _urls(page) if not u.startswith("/dazzler/demo/")]
    assert assets
    for url in assets:
        assert url.startswith("/dazzler/-/static/"), url
        for encoding in ("br", "gzip", "identity"):
            answer = httpx.get(gateway + url, headers={"accept-encoding": encoding})
            assert answer.status_code == 200, url
            assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_the_shared_path_reaches_static_files_only(stack: LocalStack):
    gateway = stack.url("gateway")
    page = httpx.get(f"{gateway}/dazzler/demo/-/roughnator/").text
    script = next(u for u in _urls(page) if u.startswith("/dazzler/-/static/"))
    root = "/".join(script.split("/")[:5])  # /dazzler/-/static/<build>
    for path in (
        "/_dash-layout",
        "/_dash-dependencies",
        "/dash/dcc/not-a-file.js",
        "/boardkit/app.py",
        "/../demo/-/roughnator/",
    ):
        answer = httpx.get(gateway + root + path)
        assert answer.status_code == 404, path
    posted = httpx.post(gateway + script, content=b"{}")
    assert posted.status_code == 404
    build = root.rsplit("/", 1)[1]
    other_build = httpx.get(gateway + script.replace(build, "0" * len(build)))
    assert other_build.status_code == 404


def _urls(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', page)
