"""A page that cannot be built is an error the operator can read, not a silent 500."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import httpx
import pytest
from boardkit import Board, BoardSettings, create_board_app
from tenant_context import TenantContext, sign_context

SECRET = "page-errors-secret-0123456789"


async def _acme_page(board: Board) -> httpx.Response:
    """The page layout the board's app answers for tenant acme."""
    settings = BoardSettings(shared_secret=SECRET, ql_url="http://127.0.0.1:9")
    app = create_board_app(settings, [board], service="board-test")
    context = TenantContext(
        tenant="acme", display_name="Acme", fiware_service="acme", board="live", public_prefix="/"
    )
    headers = sign_context(context, SECRET, method="GET", service="board-test")
    await app.runtime.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://board") as client:
            return await client.get("/_dash-layout", headers=headers)
    finally:
        await app.runtime.stop()


async def test_a_failing_page_answers_500_and_logs_board_tenant_and_cause(
    live_board: Callable[..., Board], caplog: pytest.LogCaptureFixture
) -> None:
    declared = live_board()

    def per_tenant(context: TenantContext) -> Board:
        # Only for a real tenant: the app builds every page once at start-up to check it.
        if context.tenant == "acme":
            raise RuntimeError("the header cannot be drawn")
        return declared

    broken = dataclasses.replace(declared, for_context=per_tenant)
    with caplog.at_level(logging.ERROR, logger="boardkit.app"):
        answer = await _acme_page(broken)

    assert answer.status_code == 500
    assert "the header cannot be drawn" not in answer.text
    [record] = [r for r in caplog.records if r.name == "boardkit.app"]
    assert "live" in record.getMessage()
    assert "acme" in record.getMessage()
    assert record.exc_info is not None
    assert "cannot be drawn" in str(record.exc_info[1])


async def test_a_board_its_settings_cannot_describe_says_why_and_draws_nothing(
    live_board: Callable[..., Board],
) -> None:
    declared = live_board()

    def per_tenant(context: TenantContext) -> Board:
        if context.tenant != "acme":
            return declared
        reason = "The spec names no entity type. Ask an administrator to check it."
        return Board("live", "Unreadable", "What it would show.", unavailable=reason)

    answer = await _acme_page(dataclasses.replace(declared, for_context=per_tenant))

    assert answer.status_code == 200
    assert "The spec names no entity type" in answer.text
    assert "What it would show." in answer.text
    assert "bk-graph" not in answer.text
    assert "bk-poll" not in answer.text


def test_a_board_is_one_of_live_panels_or_unavailable() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Board("live", "Live", "", unavailable="")
