"""Component ids of the fatigue board (dict ids carrying the board slug, like the kit's)."""

from __future__ import annotations

from typing import Any

Id = dict[str, Any]


def _id(kind: str, board: Any) -> Id:
    return {"type": f"fams-{kind}", "board": board}


def poll(board: Any) -> Id:
    """Interval driving live updates."""
    return _id("poll", board)


def connected(board: Any) -> Id:
    """The connected-workers headline."""
    return _id("connected", board)


def alerts(board: Any) -> Id:
    """Limit alert and data notes."""
    return _id("alerts", board)


def share(board: Any) -> Id:
    """Pie of workers per line."""
    return _id("share", board)


def current(board: Any) -> Id:
    """Bars of current fatigue per line."""
    return _id("current", board)


def history(board: Any) -> Id:
    """Fatigue over time per line."""
    return _id("history", board)


def intervention(board: Any) -> Id:
    """The last accepted intervention."""
    return _id("intervention", board)
