"""The shared static path: which paths reach a board, and what is sent with them."""

from __future__ import annotations

from typing import Any

import pytest
from gateway.asgi import RequestState
from gateway.errors import NotFound
from gateway.static_assets import StaticAssetRoute, upstream_target
from gateway.upstreams import Upstreams

BUILD = b"0123456789abcdef"
ROOT = b"/dazzler/-/static/" + BUILD


@pytest.mark.parametrize(
    ("public", "upstream"),
    [
        (
            ROOT + b"/dash/dcc/dash_core_components.v4_4_1m1796076594.js",
            b"/_static/" + BUILD + b"/dash/dcc/dash_core_components.v4_4_1m1796076594.js",
        ),
        (
            ROOT + b"/dash/deps/react@18.v4_4_1m1796076595.3.1.min.js",
            b"/_static/" + BUILD + b"/dash/deps/react@18.v4_4_1m1796076595.3.1.min.js",
        ),
        (ROOT + b"/_favicon.ico", b"/_static/" + BUILD + b"/_favicon.ico"),
    ],
)
def test_asset_paths_go_to_the_boards_static_route(public: bytes, upstream: bytes):
    assert upstream_target(public) == upstream


@pytest.mark.parametrize(
    "public",
    [
        ROOT,
        ROOT + b"/",
        b"/dazzler/-/static/ABCDEF0123456789/dash/x.js",  # not a build
        b"/dazzler/-/static/0123/dash/x.js",
        ROOT + b"/../../acme/-/roughnator/_dash-layout",
        ROOT + b"/dash/../x.js",
        ROOT + b"/./x.js",
        ROOT + b"/dash/%2e%2e/x.js",
        ROOT + b"/dash/x%2Fy.js",
        ROOT + b"/dash//x.js",
        ROOT + b"/dash/x.js/",
        ROOT + b"/" + b"a" * 2000,
        b"/dazzler/acme/-/static/" + BUILD + b"/x.js",
    ],
)
def test_anything_but_a_plain_asset_path_is_not_found(public: bytes):
    with pytest.raises(NotFound):
        upstream_target(public)


class RecordingProxy:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def forward_asset(
        self,
        scope: Any,
        receive: Any,
        send: Any,
        pools: Any,
        target: bytes,
        headers: Any,
        state: Any,
    ) -> None:
        self.calls.append(
            {"target": target, "headers": headers, "services": [p.service for p in pools]}
        )


async def passed_on(scope: Any, receive: Any, send: Any) -> None:
    scope["passed_on"] = True


def route() -> tuple[StaticAssetRoute, RecordingProxy]:
    proxy = RecordingProxy()
    upstreams = Upstreams(
        {"board-roughnator": ["http://127.0.0.1:1"], "board-sleuth": ["http://127.0.0.1:2"]},
        cooldown=1.0,
    )
    return StaticAssetRoute(passed_on, proxy, upstreams), proxy  # type: ignore[arg-type]


def scope(path: bytes, method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None):
    return {
        "type": "http",
        "method": method,
        "path": path.decode(),
        "raw_path": path,
        "query_string": b"v=4.4.1",
        "headers": headers or [],
        "dazzler": RequestState(request_id="r1"),
    }


async def test_only_cache_headers_cross_never_a_tenant_or_a_user():
    app, proxy = route()
    client_headers = [
        (b"accept-encoding", b"br"),
        (b"if-none-match", b'W/"x"'),
        (b"cookie", b"session=secret"),
        (b"authorization", b"Bearer token"),
        (b"fiware-service", b"acme"),
        (b"x-dazzler-context", b"forged"),
    ]
    await app(scope(ROOT + b"/dash/x.v1m2.js", headers=client_headers), None, None)
    (call,) = proxy.calls
    assert call["target"] == b"/_static/" + BUILD + b"/dash/x.v1m2.js"
    assert dict(call["headers"]) == {
        "accept-encoding": "br",
        "if-none-match": 'W/"x"',
        "X-Request-ID": "r1",
    }


async def test_requests_are_spread_over_the_board_services():
    app, proxy = route()
    for _ in range(2):
        await app(scope(ROOT + b"/dash/x.js"), None, None)
    firsts = [call["services"][0] for call in proxy.calls]
    assert sorted(firsts) == ["board-roughnator", "board-sleuth"]
    assert all(len(call["services"]) == 2 for call in proxy.calls)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS"])
async def test_static_assets_take_get_and_head_only(method: str):
    app, proxy = route()
    with pytest.raises(NotFound):
        await app(scope(ROOT + b"/dash/x.js", method=method), None, None)
    assert proxy.calls == []


async def test_other_paths_go_on_to_the_tenant_routes():
    app, proxy = route()
    request = scope(b"/dazzler/acme/-/roughnator/")
    await app(request, None, None)
    assert request["passed_on"] is True
    assert proxy.calls == []
