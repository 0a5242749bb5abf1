"""Who may frame a board: the tenant's ``frame_ancestors`` board setting, 'self' by default."""

from __future__ import annotations

from typing import Any

import pytest
from boardkit.context import TenantGate
from boardkit.framing import FrameAncestors, InvalidFrameAncestors, frame_ancestors
from boardkit.metrics import BoardMetrics
from tenant_context import TenantContext, sign_context

SECRET = "framing-test-secret-0123456789"
SERVICE = "board-x"


async def _page(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"page"})


async def _policy(settings: dict[str, Any]) -> list[bytes]:
    context = TenantContext(
        tenant="acme",
        display_name="ACME",
        fiware_service="acme",
        board="x",
        public_prefix="/",
        settings=settings,
    )
    gate = TenantGate(FrameAncestors(_page), SECRET, 60, BoardMetrics(), service=SERVICE)
    headers = sign_context(context, SECRET, method="GET", service=SERVICE)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    await gate(scope, receive, send)
    return [v for k, v in sent[0]["headers"] if k == b"content-security-policy"]


async def test_without_the_setting_only_the_boards_own_origin_may_frame_it() -> None:
    assert await _policy({}) == [b"frame-ancestors 'self'"]


async def test_the_tenants_portal_may_frame_its_boards() -> None:
    allowed = {"frame_ancestors": ["'self'", "https://portal.acme.example"]}
    assert await _policy(allowed) == [b"frame-ancestors 'self' https://portal.acme.example"]


async def test_a_bad_setting_falls_back_to_self_rather_than_opening_framing() -> None:
    bad = {"frame_ancestors": ["https://portal.acme.example; script-src *"]}
    assert await _policy(bad) == [b"frame-ancestors 'self'"]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("https://a.example;", "not a CSP source expression"),
        ([], "is empty"),
        (["'none'", "https://a.example"], "'none' cannot be combined"),
        ({"origin": "https://a.example"}, "must be a list"),
        (["'unsafe-inline'"], "not a CSP source expression"),
    ],
)
def test_settings_that_are_not_source_expressions_are_refused(setting: Any, message: str) -> None:
    with pytest.raises(InvalidFrameAncestors, match=message):
        frame_ancestors(setting)


def test_sources_may_be_one_string_or_a_list() -> None:
    assert frame_ancestors("'self' https://*.acme.example:8443") == (
        "'self' https://*.acme.example:8443"
    )
    assert frame_ancestors(["'none'"]) == "'none'"
