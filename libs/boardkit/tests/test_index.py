from __future__ import annotations

import json
import re

from boardkit.index import with_prefix

PAGE = """<!DOCTYPE html>
<html>
<head><title>Dash</title><link rel="icon" href="/_favicon.ico?v=4">
<link rel="stylesheet" href="/_dash-component-suites/bootstrap/x.css"></head>
<body><script id="_dash-config" type="application/json">{"url_base_pathname":null,
"requests_pathname_prefix":"\\u002f","websocket":{"url":"\\u002f_dash-ws-callback"}}</script>
<script src="/_dash-component-suites/dash/deps/react.js"></script>
<script src="/_dash-component-suites/dash/deps/react-dom@18.v4_4_1m1796076595.3.1.min.js"></script>
<script src="/assets/local.js"></script></body></html>"""
STATIC = "/dazzler/-/static/0123456789abcdef/"


def test_page_is_addressed_under_the_tenant_prefix():
    page = with_prefix(
        PAGE, "/dazzler/acme/-/roughnator/", "dark", "Surface roughness · ACME", STATIC
    )
    config = json.loads(re.search(r'json">(.*?)</script>', page).group(1))
    assert config["requests_pathname_prefix"] == "/dazzler/acme/-/roughnator/"
    assert "websocket" not in config
    assert 'src="/dazzler/acme/-/roughnator/assets/local.js"' in page
    assert '<html lang="en" data-bs-theme="dark">' in page
    assert "<title>Surface roughness · ACME</title>" in page


def test_static_assets_come_from_the_path_every_board_shares():
    roughnator = with_prefix(PAGE, "/dazzler/acme/-/roughnator/", "dark", "t", STATIC)
    sleuth = with_prefix(PAGE, "/dazzler/globex/-/sleuth/", "light", "t", STATIC)
    for page in (roughnator, sleuth):
        assert f'src="{STATIC}dash/deps/react.js"' in page
        assert f'href="{STATIC}bootstrap/x.css"' in page
        # Dash's fingerprint holds a file time: the build directory replaces it.
        assert f'src="{STATIC}dash/deps/react-dom@18.3.1.min.js"' in page
        assert f'href="{STATIC}_favicon.ico?v=4"' in page
        assert "_dash-component-suites" not in page
        # dcc's chunks for the boards' components, so no board switch waits for one.
        assert f'<link rel="prefetch" href="{STATIC}dash/dcc/async-graph.js">' in page
    urls = re.compile(r'(?:src|href)="(/dazzler/-/static/[^"]+)"')
    assert urls.findall(roughnator) == urls.findall(sleuth)


def test_prefix_cannot_break_out_of_the_script():
    page = with_prefix(PAGE, "/x/</script><script>alert(1)</script>/", "light", "t", STATIC)
    assert "<script>alert(1)" not in page


def test_pages_name_no_dash_python_or_plotly_versions() -> None:
    from boardkit.index import BoardDash
    from dash import html

    app = BoardDash(__name__)
    app.layout = html.Div("x")
    config = app._config()
    assert not {"dash_version", "python_version", "plotly_version"} & set(config)
    assert config["disable_version_check"] is True
