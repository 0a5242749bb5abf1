"""The gateway in front of echo boards, routing from the real tenant registry."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from tenant_context import ContextError, verify_context

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(make_stack: Callable[..., Any]) -> Any:
    # A long TTL: only the Redis change notices can make grants and revokes show at once.
    return make_stack(
        {"board-roughnator": 1, "board-demo": 1},
        redis_url="redis://127.0.0.1:6379/0",
        cache_ttl="300",
        max_body_bytes="100000",
        upstream_timeout="1",
    )


@pytest.fixture
def acme(stack: Any, new_tenant_name: Callable[[], str]) -> str:
    name = new_tenant_name()
    stack.admin.add_tenant(
        name,
        display_name="ACME Milling",
        service_path="/plant1",
        timezone="Europe/Rome",
        theme="dark",
    )
    stack.admin.grant(name, "roughnator", settings={"thresholds": {"roughness_max": 3.2}})
    stack.admin.grant(name, "demo", mount="showcase")
    return name


def _echo(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _header_names(echo: dict[str, Any]) -> list[str]:
    return [name.lower() for name, _ in echo["headers"]]


def test_board_request_reaches_its_service_with_prefix_stripped(stack: Any, acme: str) -> None:
    echo = _echo(stack.get(f"/dazzler/{acme}/-/roughnator/_dash-layout?x=1&y=%20z"))
    assert echo["replica"] == "board-roughnator-0"
    assert echo["path"] == "/_dash-layout"
    assert echo["query"] == "x=1&y=%20z"
    headers = dict((k.lower(), v) for k, v in echo["headers"])
    assert headers["x-forwarded-prefix"] == f"/dazzler/{acme}/-/roughnator"
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-host"] == f"127.0.0.1:{stack.gateway.port}"
    assert headers["x-forwarded-for"] == "127.0.0.1"


def test_signed_context_verifies_on_the_board(stack: Any, acme: str, shared_secret: str) -> None:
    echo = _echo(stack.get(f"/dazzler/{acme}/-/roughnator/"))
    context = verify_context(
        dict(echo["headers"]), shared_secret, method="GET", service="board-roughnator"
    )
    assert echo["context"]["signed_for"] == "board-roughnator"
    with pytest.raises(ContextError):
        verify_context(
            dict(echo["headers"]), shared_secret, method="POST", service="board-roughnator"
        )
    with pytest.raises(ContextError):
        verify_context(dict(echo["headers"]), shared_secret, method="GET", service="board-sleuth")
    assert context.tenant == acme
    assert context.display_name == "ACME Milling"
    assert context.board == "roughnator"
    assert context.service_path == "/plant1"
    assert context.timezone == "Europe/Rome"
    assert context.theme == "dark"
    assert context.public_prefix == f"/dazzler/{acme}/-/roughnator/"
    assert context.settings["thresholds"] == {"roughness_max": 3.2}
    assert {(b.slug, b.href) for b in context.boards} == {
        ("roughnator", f"/dazzler/{acme}/-/roughnator/"),
        ("demo", f"/dazzler/{acme}/-/showcase/"),
    }
    assert echo["context"]["tenant"] == acme


def test_spoofed_tenant_headers_never_reach_the_board(stack: Any, acme: str) -> None:
    spoofed = [
        ("Fiware-Service", "victim"),
        ("fiware-service", "victim2"),
        ("FIWARE-SERVICEPATH", "/secret"),
        ("X-Dazzler-Context", "forged"),
        ("x-dazzler-context-signature", "v1=1:00"),
        ("X-Dazzler-Anything", "1"),
        ("X-Forwarded-Prefix", "/elsewhere"),
        ("Authorization", "Bearer viewer-token"),
    ]
    echo = _echo(stack.get(f"/dazzler/{acme}/-/roughnator/", headers=spoofed))
    names = _header_names(echo)
    assert "authorization" not in names
    assert "fiware-service" not in names
    assert "fiware-servicepath" not in names
    assert "x-dazzler-anything" not in names
    assert names.count("x-dazzler-context") == 1
    assert names.count("x-forwarded-prefix") == 1
    assert echo["context"]["tenant"] == acme


def test_hop_by_hop_headers_are_dropped(stack: Any, acme: str) -> None:
    headers = [("Connection", "keep-alive, X-Private"), ("X-Private", "1"), ("TE", "trailers")]
    headers.append(("X-Custom", "kept"))
    echo = _echo(stack.get(f"/dazzler/{acme}/-/roughnator/", headers=headers))
    names = _header_names(echo)
    assert "x-private" not in names
    assert "te" not in names
    assert "x-custom" in names


def test_request_id_is_kept_propagated_and_returned(stack: Any, acme: str) -> None:
    response = stack.get(f"/dazzler/{acme}/-/roughnator/", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert dict(_echo(response)["headers"])["x-request-id"] == "abc-123"
    generated = stack.get(f"/dazzler/{acme}/-/roughnator/")
    assert len(generated.headers["x-request-id"]) == 32
    assert dict(_echo(generated)["headers"])["x-request-id"] == generated.headers["x-request-id"]
    assert generated.headers.get_list("x-request-id") == [generated.headers["x-request-id"]]


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/dazzler/{t}", "/dazzler/{t}/-/"),
        ("/dazzler/{t}/", "/dazzler/{t}/-/"),
        ("/dazzler/{t}/-", "/dazzler/{t}/-/"),
        ("/dazzler/{t}/-/roughnator", "/dazzler/{t}/-/roughnator/"),
        ("/dazzler/{t}/-/showcase?tab=2", "/dazzler/{t}/-/showcase/?tab=2"),
    ],
)
def test_redirects_to_the_slash_form(stack: Any, acme: str, path: str, location: str) -> None:
    response = stack.get(path.format(t=acme))
    assert response.status_code == 308
    assert response.headers["location"] == location.format(t=acme)


def test_landing_page_lists_the_boards_in_the_tenant_theme(stack: Any, acme: str) -> None:
    response = stack.get(f"/dazzler/{acme}/-/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "ACME Milling" in page
    assert 'data-theme="dark"' in page
    assert f'href="/dazzler/{acme}/-/roughnator/"' in page
    assert f'href="/dazzler/{acme}/-/showcase/"' in page
    assert "Surface roughness" in page
    assert "Showcase" in page


def test_home_board_serves_the_tenant_root(stack: Any, new_tenant_name: Callable[[], str]) -> None:
    name = new_tenant_name()
    stack.admin.add_tenant(name)
    stack.admin.grant(name, "demo", mount="")
    stack.admin.grant(name, "roughnator")
    home = _echo(stack.get(f"/dazzler/{name}/-/"))
    assert (home["replica"], home["path"]) == ("board-demo-0", "/")
    layout = _echo(stack.get(f"/dazzler/{name}/-/_dash-layout"))
    assert (layout["replica"], layout["path"]) == ("board-demo-0", "/_dash-layout")
    assert dict(layout["headers"])["x-forwarded-prefix"] == f"/dazzler/{name}/-"
    assert layout["context"]["public_prefix"] == f"/dazzler/{name}/-/"
    other = _echo(stack.get(f"/dazzler/{name}/-/roughnator/x"))
    assert (other["replica"], other["path"]) == ("board-roughnator-0", "/x")
    # Not a board of this tenant: the same 404 as anywhere, not the home board's page.
    assert stack.get(f"/dazzler/{name}/-/nosuchboard/").status_code == 404
    assert stack.get(f"/dazzler/{name}/-/metrics").status_code == 404
    # Orion notifies each replica directly; from outside the path is nothing.
    for path in (f"{name}/-/_dazzler-notify/x", f"{name}/-/roughnator/_dazzler-notify/x"):
        assert stack.http.post(f"{stack.gateway.url}/dazzler/{path}", json={}).status_code == 404


def test_unknown_disabled_and_ungranted_look_the_same(
    stack: Any, acme: str, new_tenant_name: Callable[[], str]
) -> None:
    disabled = new_tenant_name()
    stack.admin.add_tenant(disabled)
    stack.admin.grant(disabled, "roughnator")
    stack.admin.disable(disabled)
    unknown = new_tenant_name()
    asked = [(unknown, "roughnator"), (disabled, "roughnator"), (acme, "fams")]
    answers = [stack.get(f"/dazzler/{tenant}/-/{board}/") for tenant, board in asked]
    assert [a.status_code for a in answers] == [404, 404, 404]
    # The page links back to the address's own boards, so only the slug from the
    # address may differ.
    pages = {
        answer.content.replace(tenant.encode(), b"<tenant>")
        for answer, (tenant, _) in zip(answers, asked, strict=True)
    }
    assert len(pages) == 1
    assert "text/html" in answers[0].headers["content-type"]
    as_json = stack.get(f"/dazzler/{acme}/-/fams/", headers={"Accept": "application/json"})
    assert as_json.status_code == 404
    assert as_json.json() == {
        "detail": "There is no dashboard at this address.",
        "code": "not_found",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/dazzler/{t}/-/roughnator%2F..%2F/",
        "/dazzler/{t}/-/roughnator/a%2Fb",
        "/dazzler/{t}/-/roughnator/%2e%2e/x",
        "/dazzler/{t}/-/%2e%2e/roughnator/",
        "/dazzler/{t}/-/roughnator/a%252Fb",
        "/dazzler/{t}/-/roughnator//x",
        "/dazzler/{t}/-/roughnator/%00",
        "/dazzler/" + "a" * 51 + "/-/roughnator/",
        "/dazzler/{t}%2F/-/roughnator/",
        "/dazzler/../{t}/-/roughnator/",
        "/dazzler//-/roughnator/",
        "/dazzler/{t}/x/roughnator/",
        "/dazzler",
        "/elsewhere",
    ],
)
def test_malformed_paths_are_refused(stack: Any, acme: str, path: str) -> None:
    # httpx would normalise dot segments; send the raw bytes.
    url = httpx.URL(stack.gateway.url).copy_with(raw_path=path.format(t=acme).encode())
    response = stack.http.get(url)
    assert response.status_code == 404
    assert "x-replica" not in response.headers


def test_grant_and_revoke_take_effect_on_the_next_request(stack: Any, acme: str) -> None:
    assert stack.get(f"/dazzler/{acme}/-/fams/").status_code == 404
    stack.admin.grant(acme, "fams", mount="second")
    # No board-fams upstream is configured: reaching the pool at all proves the grant.
    assert stack.get(f"/dazzler/{acme}/-/second/").status_code == 503
    stack.admin.revoke(acme, "fams")
    assert stack.get(f"/dazzler/{acme}/-/second/").status_code == 404
    stack.admin.revoke(acme, "demo")
    assert stack.get(f"/dazzler/{acme}/-/showcase/").status_code == 404


def test_request_body_is_forwarded_and_limited(stack: Any, acme: str) -> None:
    url = f"{stack.gateway.url}/dazzler/{acme}/-/roughnator/_dash-update-component"
    echo = _echo(stack.http.post(url, content=b"x" * 5000))
    assert (echo["method"], echo["body_length"]) == ("POST", 5000)
    chunked = _echo(stack.http.post(url, content=iter([b"a" * 1000, b"b" * 1000])))
    assert chunked["body_length"] == 2000
    assert stack.http.post(url, content=b"x" * 100_001).status_code == 413
    streamed = stack.http.post(url, content=iter([b"a" * 60_000, b"b" * 60_000]))
    assert streamed.status_code == 413


def test_compressed_and_streamed_answers_pass_through(stack: Any, acme: str) -> None:
    url = f"{stack.gateway.url}/dazzler/{acme}/-/roughnator/gzip"
    with stack.http.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == b"compressed " * 100
    streamed = stack.get(f"/dazzler/{acme}/-/roughnator/stream")
    assert streamed.status_code == 200
    assert len(streamed.content) == 64 * 16384


def test_board_cookies_pass_through_and_are_not_kept(stack: Any, acme: str) -> None:
    first = stack.get(f"/dazzler/{acme}/-/roughnator/")
    assert first.headers["set-cookie"] == "board=1; Path=/"
    # A fresh client has no cookies: any the board sees would have been kept by the gateway.
    echo = _echo(httpx.get(f"{stack.gateway.url}/dazzler/{acme}/-/roughnator/"))
    assert "cookie" not in _header_names(echo)


def test_slow_board_gets_504(stack: Any, acme: str) -> None:
    response = stack.get(f"/dazzler/{acme}/-/roughnator/slow?s=3")
    assert response.status_code == 504


def test_health_readiness_and_metrics(stack: Any, acme: str) -> None:
    assert stack.get("/healthz").status_code == 200
    assert stack.get("/readyz").json()["ready"] is True
    stack.get(f"/dazzler/{acme}/-/roughnator/")
    metrics = stack.metrics()
    assert (
        f'dazzler_gateway_requests_total{{board="roughnator",status="200",tenant="{acme}"}}'
        in metrics
    )
    assert 'dazzler_gateway_upstream_seconds_bucket{le="0.1",service="board-roughnator"}' in metrics
    assert 'dazzler_gateway_route_cache_total{result="hit"}' in metrics
    # Tenant and board names are on the internal listener only.
    assert stack.get("/metrics").status_code == 404
