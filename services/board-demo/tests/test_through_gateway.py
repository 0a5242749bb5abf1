from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.integration


def test_showcase_is_served_under_the_tenant_prefix(stack):
    answer = httpx.get(stack.page_url(), timeout=15)
    assert answer.status_code == 200
    assert f"/dazzler/{stack.tenants['acme'].slug}/-/demo/".replace("/", "\\u002f") in answer.text
    assert "<title>Showcase · Demo Test</title>" in answer.text


def test_the_page_carries_its_colour_themes_and_the_kit_serves_the_layout(stack):
    page = httpx.get(stack.page_url(), timeout=15).text
    # Every colour theme but plain Bootstrap, each under its own attribute.
    for slug, primary in (("harbour", "#0b6e99"), ("meadow", "#3f7d20"), ("ember", "#d9480f")):
        assert (
            f'[data-bk-palette="{slug}"] .btn-primary{{--bs-btn-color:#fff;--bs-btn-bg:{primary};'
            in page
        )
    assert 'data-bk-palette="bootstrap"' not in page
    # The figures-across-the-page layout is the kit's stylesheet, on the shared path.
    kit_css = re.search(
        r'href="(/dazzler/-/static/[0-9a-f]{16}/boardkit/static/boardkit\.css)"', page
    )
    assert kit_css is not None
    css = httpx.get(stack.gateway + kit_css.group(1), timeout=15)
    assert css.status_code == 200
    assert ".bk-wide" in css.text


def test_board_refuses_requests_that_bypass_the_gateway(stack):
    assert httpx.get(stack.direct + "/", timeout=5).status_code == 403
    assert httpx.get(stack.direct + "/_dash-layout", timeout=5).status_code == 403
