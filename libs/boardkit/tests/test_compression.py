"""Compression keeps every asset cacheable, whatever the encoding."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from boardkit.compression import Compression
from boardkit.static_assets import SharedAssets

BUILD = "0123456789abcdef"
SCRIPT = b"window.answer = 42;\n" * 500  # over the size that is worth compressing
IMMUTABLE = "public, max-age=31536000, immutable"


async def dash_like(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Dash's answers for component suites: fingerprinted ones with a year's max-age,
    the others (dcc's async chunks) with an unquoted ETag and 304 on a match."""
    path: str = scope["path"]
    headers = [(b"content-type", b"application/javascript")]
    inm = dict(scope["headers"]).get(b"if-none-match")
    if ".v4_4_1m123." in path:
        headers.append((b"cache-control", b"public, max-age=31536000"))
    else:
        headers.append((b"etag", b"d41d8cd9"))
        if inm == b"d41d8cd9":
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": SCRIPT})


def client() -> httpx.AsyncClient:
    registered = {"dash": {"dcc/async-graph.js", "dcc/dash_core_components.js"}}
    app = Compression(SharedAssets(dash_like, BUILD, registered))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://board")


@pytest.mark.parametrize("encoding", ["br", "gzip", "identity"])
@pytest.mark.parametrize(
    "path",
    [
        f"/_static/{BUILD}/dash/dcc/async-graph.js",
        f"/_static/{BUILD}/dash/dcc/dash_core_components.v4_4_1m123.js",
        "/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m123.js",
    ],
)
async def test_static_assets_are_immutable_in_every_encoding(encoding: str, path: str):
    async with client() as http:
        answer = await http.get(path, headers={"accept-encoding": encoding})
        again = await http.get(path, headers={"accept-encoding": encoding})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == IMMUTABLE
    assert answer.headers.get("content-encoding") == (None if encoding == "identity" else encoding)
    assert answer.headers["vary"] == "Accept-Encoding"
    # httpx decodes the body; what crossed the wire is the compressed size.
    assert answer.content == SCRIPT
    compressed = answer.num_bytes_downloaded < len(SCRIPT) / 10
    assert compressed == (encoding != "identity")
    assert again.content == SCRIPT


async def test_an_unfingerprinted_compressed_asset_keeps_a_validator_and_revalidates():
    path = "/_dash-component-suites/dash/dcc/async-graph.js"
    async with client() as http:
        answer = await http.get(path, headers={"accept-encoding": "br"})
        assert answer.headers["content-encoding"] == "br"
        assert answer.headers["cache-control"] == "no-cache"
        assert answer.headers["etag"] == 'W/"d41d8cd9"'
        check = await http.get(
            path, headers={"accept-encoding": "br", "if-none-match": answer.headers["etag"]}
        )
    assert check.status_code == 304
    assert check.content == b""


async def test_tenant_answers_stay_private():
    async def page(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html")],
            }
        )
        await send({"type": "http.response.body", "body": b"<p>acme</p>" * 300})

    app = Compression(page)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as h:
        answer = await h.get("/dazzler/acme/-/roughnator/", headers={"accept-encoding": "br"})
    assert answer.headers["cache-control"] == "private, no-cache"
    assert answer.headers["content-encoding"] == "br"
