from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration


def test_showcase_is_served_under_the_tenant_prefix(stack):
    answer = httpx.get(stack.page_url(), timeout=15)
    assert answer.status_code == 200
    assert f"/dazzler/{stack.tenants['acme'].slug}/-/demo/".replace("/", "\\u002f") in answer.text
    assert "<title>Showcase · Demo Test</title>" in answer.text


def test_theme_stylesheets_are_served_by_the_board_itself(stack):
    ember = httpx.get(stack.page_url() + "themes/ember.css", timeout=15)
    assert ember.status_code == 200
    assert ember.headers["content-type"].startswith("text/css")
    assert ".btn-primary{" in ember.text
    plain = httpx.get(stack.page_url() + "themes/bootstrap.css", timeout=15)
    assert plain.status_code == 200
    # The plain theme overrides no colour; it carries only the showcase's page layout.
    assert ".btn-primary{" not in plain.text
    assert "#showcase-figures" in plain.text
    missing = httpx.get(stack.page_url() + "themes/nope.css", timeout=15)
    assert missing.status_code == 404


def test_board_refuses_requests_that_bypass_the_gateway(stack):
    assert httpx.get(stack.direct + "/", timeout=5).status_code == 403
    assert httpx.get(stack.direct + "/themes/ember.css", timeout=5).status_code == 403
