"""Component ids of the showcase (dict ids carrying the board slug, like the kit's)."""

from __future__ import annotations

from typing import Any

Id = dict[str, Any]

FIGURES = ("trend", "scatter", "histogram", "heatmap")


def _id(kind: str, board: Any) -> Id:
    return {"type": f"demo-{kind}", "board": board}


def mode(board: Any) -> Id:
    """Light or dark."""
    return _id("mode", board)


def mode_applied(board: Any) -> Id:
    """Store written by the client-side mode switch (its only output)."""
    return _id("mode-applied", board)


def theme(board: Any) -> Id:
    """The colour theme picker."""
    return _id("theme", board)


def theme_css(board: Any) -> Id:
    """The <link> of the chosen theme's stylesheet."""
    return _id("theme-css", board)


def echo_input(board: Any) -> Id:
    """Free text input."""
    return _id("echo-input", board)


def echo_output(board: Any) -> Id:
    """Where the typed text comes back."""
    return _id("echo-output", board)


def figure(kind: str, board: Any) -> Id:
    """One of the sample figures."""
    return _id(f"figure-{kind}", board)
