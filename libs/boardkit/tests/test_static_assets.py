"""The shared static path on the board side: what it serves, what it refuses, the build."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from boardkit.index import BoardDash
from boardkit.static_assets import PLOTLY_JS, PREFETCHED_CHUNKS, SharedAssets, asset_build
from boardkit.theme import KIT_CSS

BUILD = "0123456789abcdef"
REGISTERED = {"dash": {"dcc/async-graph.js", "dcc/missing.js", "dcc/dash_core_components.js"}}
ROOT = Path(__file__).resolve().parents[3]
BUNDLE = ROOT / "libs/boardkit/src/boardkit" / PLOTLY_JS["relative_package_path"]


async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Stands for Dash: echoes the path it was asked for, with Dash's own cache headers."""
    body = f"{scope['path']}?{scope['query_string'].decode()}".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 404 if scope["path"].endswith("missing.js") else 200,
            "headers": [
                (b"content-type", b"application/javascript"),
                (b"etag", b"abc"),
                (b"cache-control", b"public, max-age=31536000"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=SharedAssets(inner, BUILD, REGISTERED))
    return httpx.AsyncClient(transport=transport, base_url="http://board")


async def test_component_suite_files_are_served_immutable():
    async with client() as http:
        answer = await http.get(f"/_static/{BUILD}/dash/dcc/async-graph.js?x=1")
        fingerprinted = await http.get(
            f"/_static/{BUILD}/dash/dcc/dash_core_components.v4_4_1m123.js"
        )
    assert answer.status_code == 200
    assert answer.text == "/_dash-component-suites/dash/dcc/async-graph.js?"
    assert fingerprinted.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "etag" not in answer.headers


async def test_favicon_is_served_from_the_shared_path():
    async with client() as http:
        answer = await http.get(f"/_static/{BUILD}/_favicon.ico?v=4.4.1")
    assert answer.text == "/_favicon.ico?"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_static/fedcba9876543210/dash/dcc/async-graph.js"),  # another build
        ("GET", f"/_static/{BUILD}/_dash-layout"),  # Dash would answer with its index
        ("GET", f"/_static/{BUILD}/dash/_dash-layout"),
        ("GET", f"/_static/{BUILD}/dash/dcc/unregistered.js"),
        ("GET", f"/_static/{BUILD}/boardkit/static/boardkit.css"),
        ("GET", f"/_static/{BUILD}/"),
        ("GET", f"/_static/{BUILD}"),
        ("GET", "/_static/"),
        ("POST", f"/_static/{BUILD}/dash/dcc/async-graph.js"),
    ],
)
async def test_anything_else_under_the_shared_path_is_not_found(method: str, path: str):
    async with client() as http:
        answer = await http.request(method, path)
    assert answer.status_code == 404
    assert answer.headers["cache-control"] == "no-store"


async def test_a_missing_file_stays_a_404_that_no_cache_keeps():
    async with client() as http:
        answer = await http.get(f"/_static/{BUILD}/dash/dcc/missing.js")
    assert answer.status_code == 404
    assert "immutable" not in answer.headers.get("cache-control", "")


async def test_other_paths_pass_through_untouched():
    async with client() as http:
        answer = await http.get("/_dash-layout")
    assert answer.text == "/_dash-layout?"
    assert answer.headers["cache-control"] == "public, max-age=31536000"


def test_a_build_must_be_sixteen_hex_digits():
    with pytest.raises(ValueError, match="16 hex digits"):
        SharedAssets(inner, "../etc", REGISTERED)


def _app() -> BoardDash:
    app = BoardDash("t", backend="fastapi", serve_locally=True, compress=False)
    app.css.append_css(KIT_CSS)
    app.scripts.append_script(PLOTLY_JS)
    return app


def test_the_build_is_the_same_for_every_app_with_the_same_assets():
    first, second = _app(), _app()
    assert asset_build(first) == asset_build(second)
    assert re.fullmatch(r"[0-9a-f]{16}", asset_build(first))


def test_the_build_follows_file_contents_not_file_times():
    import boardkit

    css = Path(boardkit.__file__).parent / KIT_CSS["relative_package_path"]
    before = asset_build(_app())
    times = css.stat()
    try:
        # A reinstall gives the same files other times: the build must not move.
        os.utime(css, (times.st_atime, times.st_mtime + 3600))
        assert asset_build(_app()) == before
    finally:
        os.utime(css, (times.st_atime, times.st_mtime))


def test_every_asset_is_servable_before_any_page_was_rendered():
    app = _app()
    asset_build(app)
    assert PLOTLY_JS["relative_package_path"] in app.registered_paths["boardkit"]
    assert KIT_CSS["relative_package_path"] in app.registered_paths["boardkit"]
    for chunk in PREFETCHED_CHUNKS:
        package, _, path = chunk.partition("/")
        assert path in app.registered_paths[package]


def test_the_plotly_bundle_draws_every_trace_type_the_boards_use():
    bundled = set(re.findall(r'name:"([a-z0-9]+)",basePlotModule', BUNDLE.read_text()))
    used = {
        name.lower()
        for source in ROOT.glob("services/board-*/src/**/*.py")
        for name in re.findall(r"\bgo\.([A-Z][a-z0-9]+)\(", source.read_text())
        if name not in ("Figure",)
    }
    assert used, "no trace types found in the boards"
    assert used <= bundled, f"not in the partial bundle: {sorted(used - bundled)}"


def test_the_vendored_bundle_is_the_plotly_js_version_dash_ships():
    import plotly

    dash_plotly = Path(plotly.__file__).parent / "package_data/plotly.min.js"
    version = re.search(r"plotly\.js v(\S+)", dash_plotly.read_text()[:300])
    assert version is not None
    assert f"v{version.group(1)}" in BUNDLE.read_text()[:300]
