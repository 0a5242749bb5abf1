from __future__ import annotations

import time
from typing import Any

import pytest
from boardkit.context import TenantGate, maybe_context
from boardkit.metrics import BoardMetrics
from tenant_context import TenantContext, sign_context

SECRET = "gate-test-secret-0123456789"
SERVICE = "board-x"


def _context(tenant: str) -> TenantContext:
    return TenantContext(
        tenant=tenant, display_name=tenant, fiware_service=tenant, board="x", public_prefix="/"
    )


async def _tenant_app(scope: Any, receive: Any, send: Any) -> None:
    context = maybe_context()
    body = context.tenant.encode() if context else b""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


async def _call(
    gate: TenantGate, headers: dict[str, str], method: str = "GET"
) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {
        "type": "http",
        "method": method,
        "path": "/_dash-layout",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    await gate(scope, receive, send)
    return sent[0]["status"], sent[1].get("body", b"")


async def test_a_remembered_signature_still_goes_stale(monkeypatch: pytest.MonkeyPatch):
    gate = TenantGate(_tenant_app, SECRET, 60, BoardMetrics(), service=SERVICE)
    headers = sign_context(
        _context("acme"), SECRET, method="GET", service=SERVICE, now=time.time() - 55
    )
    assert await _call(gate, headers) == (200, b"acme")
    assert await _call(gate, headers) == (200, b"acme")
    later = time.time() + 10
    monkeypatch.setattr("boardkit.context.time.time", lambda: later)
    monkeypatch.setattr("tenant_context.signing.time.time", lambda: later)
    assert (await _call(gate, headers))[0] == 403


async def test_each_signed_pair_gets_its_own_tenant_and_forgeries_are_refused():
    gate = TenantGate(_tenant_app, SECRET, 60, BoardMetrics(), service=SERVICE)
    acme, globex = (
        sign_context(_context(t), SECRET, method="GET", service=SERVICE) for t in ("acme", "globex")
    )
    assert await _call(gate, acme) == (200, b"acme")
    assert await _call(gate, globex) == (200, b"globex")
    forged = {**acme, "X-Dazzler-Context": globex["X-Dazzler-Context"]}
    for _ in range(3):
        assert (await _call(gate, forged))[0] == 403
    assert (await _call(gate, {}))[0] == 403
    assert await _call(gate, acme) == (200, b"acme")


async def test_a_context_serves_only_its_method_service_and_prefix() -> None:
    gate = TenantGate(_tenant_app, SECRET, 60, BoardMetrics(), service=SERVICE)
    page = sign_context(_context("acme"), SECRET, method="GET", service=SERVICE)
    assert await _call(gate, page) == (200, b"acme")
    # Remembered for GET: the memory must not let it through for another method.
    assert (await _call(gate, page, method="POST"))[0] == 403
    other_service = TenantGate(_tenant_app, SECRET, 60, BoardMetrics(), service="board-y")
    assert (await _call(other_service, page))[0] == 403
    assert (await _call(gate, {**page, "X-Forwarded-Prefix": "/dazzler/globex/-/x"}))[0] == 403
    assert await _call(gate, {**page, "X-Forwarded-Prefix": "/"}) == (200, b"acme")
