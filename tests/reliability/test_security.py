"""Hardening checks: revocation speed, signed contexts bound to what they authorise,
nothing about tenants or software versions on the public port, unknown boards 404."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from reliability_kit import probes
from reliability_kit.tenants import ACME, BOARD, GLOBEX
from tenant_context import TenantContext, sign_context

pytestmark = pytest.mark.integration

REVOCATION_LIMIT = 2.0
_VERSION_RE = re.compile(
    rb"(?i)(python[/ ]?3\.\d|dash_version|plotly_version|python_version|uvicorn|werkzeug)"
)


def _until(url: str, status: int, limit: float) -> tuple[int, float]:
    started = time.monotonic()
    while True:
        got = httpx.get(url, timeout=5).status_code
        took = time.monotonic() - started
        if got == status or took > limit:
            return got, took
        time.sleep(0.05)


# Four CLI runs, each a fresh interpreter: slow on a busy machine, and not what is timed.
@pytest.mark.timeout(900)
def test_cli_revocation_stops_serving_within_two_seconds(tenant_stack, recorder) -> None:
    outcome = recorder.start(
        "security",
        "revocation through the CLI",
        "`registry boards revoke`, then `tenants disable`, run as separate processes while "
        "the gateway has the tenant cached",
        f"404 within {REVOCATION_LIMIT:.0f} s each",
    )
    stack = tenant_stack.stack
    slug = f"revoked{int(time.time() * 1000) % 10**8}"
    stack.run_command("registry", "tenants", "add", slug)
    stack.run_command("registry", "boards", "grant", slug, BOARD)
    url = f"{tenant_stack.gateway}/dazzler/{slug}/-/{BOARD}/"
    assert _until(url, 200, 30)[0] == 200
    assert httpx.get(url, timeout=5).status_code == 200

    stack.run_command("registry", "boards", "revoke", slug, BOARD)
    revoked, revoke_s = _until(url, 404, REVOCATION_LIMIT)
    stack.run_command("registry", "boards", "grant", slug, BOARD)
    assert _until(url, 200, 30)[0] == 200
    stack.run_command("registry", "tenants", "disable", slug)
    disabled, disable_s = _until(url, 404, REVOCATION_LIMIT)

    outcome.numbers = {"revoke s": round(revoke_s, 2), "disable s": round(disable_s, 2)}
    assert revoked == 404, f"revoked board still served after {revoke_s:.1f} s"
    assert disabled == 404, f"disabled tenant still served after {disable_s:.1f} s"
    outcome.held = True


def _context(tenant: str, board: str = BOARD) -> TenantContext:
    return TenantContext(
        tenant=tenant,
        display_name=tenant,
        fiware_service=tenant,
        board=board,
        public_prefix=f"/dazzler/{tenant}/-/{board}/",
    )


def test_captured_contexts_replay_nowhere_else(tenant_stack, recorder) -> None:
    outcome = recorder.start(
        "security",
        "replayed tenant context",
        "a context signed for GET of ACME's roughnator page, sent straight to the board "
        "as a POST callback, under GLOBEX's prefix, signed for another board service, "
        "and an hour old",
        "403 for every replay; the original is accepted",
    )
    board = tenant_stack.board
    secret = tenant_stack.secret
    prefix = ("X-Forwarded-Prefix", f"/dazzler/{ACME.slug}/-/{BOARD}")
    page = probes.signed(ACME, secret, method="GET")
    replays = {
        "original": ("GET", {**page, prefix[0]: prefix[1]}),
        "other method": ("POST", {**page, prefix[0]: prefix[1]}),
        "other prefix": ("GET", {**page, prefix[0]: f"/dazzler/{GLOBEX.slug}/-/{BOARD}"}),
        "other service": (
            "GET",
            sign_context(_context(ACME.slug), secret, method="GET", service="board-demo"),
        ),
        "expired": ("GET", probes.signed(ACME, secret, method="GET", now=time.time() - 3600)),
    }
    statuses = {}
    with httpx.Client(timeout=10) as client:
        for name, (method, headers) in replays.items():
            body = b"{}" if method == "POST" else None
            path = "/_dash-update-component" if method == "POST" else "/_dash-layout"
            statuses[name] = client.request(
                method,
                board + path,
                headers={**headers, "Content-Type": "application/json"},
                content=body,
            ).status_code
    outcome.numbers = statuses
    assert statuses.pop("original") == 200
    assert statuses == dict.fromkeys(statuses, 403)
    outcome.held = True


def test_nothing_about_tenants_or_versions_on_the_public_port(tenant_stack, recorder) -> None:
    outcome = recorder.start(
        "security",
        "public port: metrics, versions, unknown boards",
        "/metrics on the public port and through a board; the landing page, a board page "
        "and its headers; an unknown board under a tenant",
        "404 for metrics and unknown boards; metrics on the internal port only; no "
        "software versions in pages or headers",
    )
    gateway = tenant_stack.gateway
    metrics_url = tenant_stack.stack.url("gateway", "metrics") + "/metrics"
    with httpx.Client(timeout=10) as client:
        public_metrics = client.get(gateway + "/metrics").status_code
        board_metrics = client.get(ACME.board_url(gateway) + "metrics").status_code
        unknown_board = client.get(f"{gateway}/dazzler/{ACME.slug}/-/nosuchboard/").status_code
        pages = [
            client.get(f"{gateway}/dazzler/{ACME.slug}/-/"),
            client.get(ACME.board_url(gateway)),
            client.get(gateway + "/dazzler/nobody/-/"),
        ]
        internal = client.get(metrics_url)
    leaks = [
        f"{page.url}: {match.group(0)!r}"
        for page in pages
        for match in _VERSION_RE.finditer(page.content + str(sorted(page.headers.items())).encode())
    ]
    server_headers = [page.headers.get("server") for page in pages if "server" in page.headers]
    outcome.numbers = {
        "public /metrics": public_metrics,
        "board /metrics via gateway": board_metrics,
        "unknown board": unknown_board,
        "internal /metrics": internal.status_code,
        "version mentions": len(leaks),
    }
    outcome.note = "; ".join(leaks[:3])
    assert (public_metrics, board_metrics, unknown_board) == (404, 404, 404)
    assert internal.status_code == 200
    assert f'tenant="{ACME.slug}"' in internal.text
    assert [page.status_code for page in pages] == [200, 200, 404]
    assert not leaks
    assert not server_headers
    outcome.held = True
