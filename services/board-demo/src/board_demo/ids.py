"""Component ids of the showcase's own switches (dict ids carrying the board slug, like the
kit's)."""

from __future__ import annotations

from typing import Any

Id = dict[str, Any]


def _id(kind: str, board: Any) -> Id:
    return {"type": f"demo-{kind}", "board": board}


def mode_applied(board: Any) -> Id:
    """Store written by the client-side mode switch (its only output)."""
    return _id("mode-applied", board)


def theme(board: Any) -> Id:
    """The colour theme picker."""
    return _id("theme", board)


def theme_css(board: Any) -> Id:
    """The <link> of the chosen theme's stylesheet."""
    return _id("theme-css", board)
