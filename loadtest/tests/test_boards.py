"""Every board of the catalogue, opened and polled the way the load test does it.

The viewers derive their requests from each board's own layout and callbacks; this keeps
that derivation in step with the boards: if a board changes so that the replayed
requests fail, this fails.
"""

from __future__ import annotations

import random

import pytest
from dazzler_loadtest.plain_transport import PlainTransport
from dazzler_loadtest.session import BoardSession
from dazzler_stack import LocalStack
from tenant_context import BOARD_CATALOGUE

pytestmark = pytest.mark.integration


def _mount(board: str) -> str:
    # registry seed-demo mounts demo at the tenant's home, the monitor board at its seeded
    # "machines" monitor and every other board at its slug
    return {"demo": "", "monitor": "machines/"}.get(board, f"{board}/")


@pytest.mark.parametrize("board", sorted(BOARD_CATALOGUE))
def test_page_load_and_polls_succeed(stack: LocalStack, board: str) -> None:
    base = f"{stack.url('gateway')}/dazzler/demo/-/{_mount(board)}"
    transport = PlainTransport(base)
    session = BoardSession(transport)
    try:
        page = session.load()
        tickers = session.tickers(0.0, random.Random(0))
        for ticker in tickers * 2:
            session.tick(ticker)
        for _name, act in session.interactions():
            act(random.Random(0))
    finally:
        transport.close()
    statuses = {(e.name, e.status) for e in transport.log}
    assert all(status in (200, 204) for _name, status in statuses), statuses
    assert page.props, "the layout had no component"
    posted = [e for e in transport.log if e.method == "POST"]
    print(board, len(tickers), "intervals,", len(posted), "callbacks,",
          sum(e.size for e in posted), "bytes")  # fmt: skip


def test_live_boards_poll(stack: LocalStack) -> None:
    """The kit's live boards have a poll interval whose answer carries data."""
    transport = PlainTransport(f"{stack.url('gateway')}/dazzler/demo/-/roughnator/")
    session = BoardSession(transport)
    try:
        session.load()
        tickers = session.tickers(0.0, random.Random(0))
        assert tickers
        assert tickers[0].name == "poll"
        session.tick(tickers[0])
    finally:
        transport.close()
    polls = [e for e in transport.log if e.name == "poll"]
    assert polls
    assert polls[0].status in (200, 204)
