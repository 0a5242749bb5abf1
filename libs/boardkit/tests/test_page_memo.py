"""A board page is built once per tenant context, and never served to another context."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from boardkit import Board, BoardSettings, create_board_app
from tenant_context import TenantContext, sign_context

SECRET = "page-memo-secret-0123456789"
SERVICE = "board-test"


def _context(tenant: str, **changes: str) -> TenantContext:
    fields = {
        "tenant": tenant,
        "display_name": tenant.title(),
        "fiware_service": tenant,
        "board": "live",
        "public_prefix": f"/dazzler/{tenant}/-/live/",
        **changes,
    }
    return TenantContext(**fields)


def _prefix(page: str) -> str:
    found = re.search(r'id="_dash-config" type="application/json">(.*?)</script>', page)
    assert found is not None
    return str(json.loads(found.group(1))["requests_pathname_prefix"])


class Pages:
    """A board app whose builds of each tenant's page are counted."""

    def __init__(self, board: Board) -> None:
        self.builds: Counter[str] = Counter()
        self.failing: set[str] = set()

        def per_tenant(context: TenantContext) -> Board:
            self.builds[context.tenant] += 1
            if context.tenant in self.failing:
                raise RuntimeError("the page cannot be drawn")
            return board

        settings = BoardSettings(shared_secret=SECRET, ql_url="http://127.0.0.1:9")
        self.app = create_board_app(
            settings, [dataclasses.replace(board, for_context=per_tenant)], service=SERVICE
        )
        self.client: httpx.AsyncClient

    async def get(self, path: str, context: TenantContext) -> httpx.Response:
        headers = sign_context(context, SECRET, method="GET", service=SERVICE)
        return await self.client.get(path, headers=headers)


@pytest.fixture
async def pages(live_board: Callable[..., Board]) -> AsyncIterator[Pages]:
    found = Pages(live_board())
    await found.app.runtime.start()
    transport = httpx.ASGITransport(app=found.app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://board") as client:
            found.client = client
            yield found
    finally:
        await found.app.runtime.stop()


async def test_a_tenant_page_opened_again_is_not_built_again(pages: Pages) -> None:
    first = await pages.get("/_dash-layout", _context("acme"))
    index = await pages.get("/", _context("acme"))
    built = pages.builds["acme"]
    for _ in range(3):
        assert (await pages.get("/_dash-layout", _context("acme"))).text == first.text
        assert (await pages.get("/", _context("acme"))).text == index.text
    assert pages.builds["acme"] == built > 0
    assert first.status_code == index.status_code == 200


async def test_each_tenant_sees_its_own_page(pages: Pages) -> None:
    acme = await pages.get("/", _context("acme"))
    globex = await pages.get("/", _context("globex"))
    assert _prefix(acme.text) == "/dazzler/acme/-/live/"
    assert "Globex" not in acme.text
    assert _prefix(globex.text) == "/dazzler/globex/-/live/"
    assert "Acme" not in globex.text
    assert "<title>Live · Globex</title>" in globex.text
    acme_layout = await pages.get("/_dash-layout", _context("acme"))
    globex_layout = await pages.get("/_dash-layout", _context("globex"))
    assert pages.builds["acme"] > 0
    assert pages.builds["globex"] > 0
    assert acme_layout.status_code == globex_layout.status_code == 200


async def test_a_changed_context_gets_a_fresh_page(pages: Pages) -> None:
    light = await pages.get("/", _context("acme"))
    dark = await pages.get("/", _context("acme", theme="dark"))
    assert 'data-bs-theme="light"' in light.text
    assert 'data-bs-theme="dark"' in dark.text
    await pages.get("/_dash-layout", _context("acme"))
    built = pages.builds["acme"]
    await pages.get("/_dash-layout", _context("acme", timezone="Europe/Rome"))
    assert pages.builds["acme"] > built


async def test_a_page_that_failed_is_built_again_next_time(pages: Pages) -> None:
    pages.failing.add("acme")
    assert (await pages.get("/_dash-layout", _context("acme"))).status_code == 500
    built = pages.builds["acme"]
    pages.failing.clear()
    assert (await pages.get("/_dash-layout", _context("acme"))).status_code == 200
    assert pages.builds["acme"] > built
