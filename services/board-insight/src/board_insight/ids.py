"""Component ids of the insight boards (dict ids carrying the board slug, like the kit's)."""

from __future__ import annotations

from typing import Any

Id = dict[str, Any]


def _id(kind: str, board: Any) -> Id:
    return {"type": f"insight-{kind}", "board": board}


def picker(board: Any) -> Id:
    """The insight picker (one Insights entity)."""
    return _id("picker", board)


def picker_note(board: Any) -> Id:
    """Text under the picker."""
    return _id("picker-note", board)


def picker_poll(board: Any) -> Id:
    """Interval that reloads the insight ids."""
    return _id("picker-poll", board)


def poll(board: Any) -> Id:
    """Interval that refreshes the selected insight."""
    return _id("poll", board)


def warnings(board: Any) -> Id:
    """Problems with the insight's Results as a whole."""
    return _id("warnings", board)


def tabs(board: Any) -> Id:
    """One tab per KPI."""
    return _id("tabs", board)


def panel(board: Any) -> Id:
    """The selected KPI's figure, settings and best value (outside the tabs, which hold
    only labels: content inside a tab is not redrawn when the tabs' children change)."""
    return _id("panel", board)


def location(board: Any) -> Id:
    """The page's address: the selected insight lives in its query string."""
    return _id("location", board)


def pane(board: Any, kpi: Any) -> Id:
    """One KPI's figure, settings and best value inside the panel; shown while its tab is."""
    return {"type": "insight-pane", "board": board, "kpi": kpi}
