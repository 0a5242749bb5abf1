"""Component ids of the kit's widgets.

Every id is a dict carrying the board slug, so one service can serve several boards and
the kit registers each callback once with ``MATCH`` on ``board``. Callbacks still take the
board from the verified tenant context, never from the id a browser sends.
"""

from __future__ import annotations

from typing import Any

Id = dict[str, Any]


def _id(kind: str, board: Any) -> Id:
    return {"type": f"bk-{kind}", "board": board}


def graph(board: Any) -> Id:
    """The live figure."""
    return _id("graph", board)


def entities(board: Any) -> Id:
    """The entity picker (a multi-select dropdown)."""
    return _id("entities", board)


def entities_note(board: Any) -> Id:
    """Text under the picker (e.g. the entity list could not be loaded)."""
    return _id("entities-note", board)


def entities_poll(board: Any) -> Id:
    """Interval that reloads the entity list."""
    return _id("entities-poll", board)


def window(board: Any) -> Id:
    """Time window choice (last N points, 15 min, 1 h, 24 h, custom)."""
    return _id("window", board)


def last_n(board: Any) -> Id:
    """How many points 'last N points' means."""
    return _id("last-n", board)


def range_start(board: Any) -> Id:
    """Start of a custom range (datetime-local, tenant timezone)."""
    return _id("range-start", board)


def range_end(board: Any) -> Id:
    """End of a custom range (datetime-local, tenant timezone)."""
    return _id("range-end", board)


def custom_range(board: Any) -> Id:
    """The row holding the custom range inputs (hidden unless 'custom' is chosen)."""
    return _id("custom-range", board)


def last_n_row(board: Any) -> Id:
    """The row holding the 'last N' input (hidden unless chosen)."""
    return _id("last-n-row", board)


def poll(board: Any) -> Id:
    """Interval driving live updates."""
    return _id("poll", board)


def push(board: Any) -> Id:
    """The push stream's state beside the status line; its ``data-*`` attributes tell the
    page's push client how the board is pushed."""
    return _id("push", board)


def panel_push(board: Any) -> Id:
    """A panel view's push state beside its status line (as :func:`push`; its own id, so
    the live views' callbacks matching ``push`` never meet a panel page)."""
    return _id("panel-push", board)


def header(board: Any) -> Id:
    """What a live view's header shows above the figure (see ``LiveView.header``)."""
    return _id("header", board)


def header_poll(board: Any) -> Id:
    """The interval that refreshes a live view's header."""
    return _id("header-poll", board)


def cursor(board: Any) -> Id:
    """Store of what the browser has: trace keys, newest time, window and entities."""
    return _id("cursor", board)


def status(board: Any) -> Id:
    """The status line (loading, live, no data, unavailable…)."""
    return _id("status", board)


def freshness(board: Any) -> Id:
    """Footer text: how old the newest point is."""
    return _id("freshness", board)


def download_button(board: Any) -> Id:
    """Button asking for the CSV of what is on screen."""
    return _id("download-button", board)


def download(board: Any) -> Id:
    """The dcc.Download that delivers the CSV."""
    return _id("download", board)


def slot(board: Any, name: str) -> Id:
    """One named figure or part of a panel view."""
    return {"type": "bk-slot", "board": board, "slot": name}


def revision(board: Any) -> Id:
    """The store holding which rendering of a panel view the browser shows."""
    return _id("revision", board)


def panel_poll(board: Any) -> Id:
    """The interval that refreshes a panel view (not the live views' ``poll``)."""
    return _id("panel-poll", board)


def address_note(board: Any) -> Id:
    """Says which values in the address were not understood and what is shown instead."""
    return _id("address-note", board)


def chrome(board: Any, part: str) -> Id:
    """Navigation, title or footer (hidden when the board is embedded, ``embed=1``)."""
    return {"type": "bk-chrome", "board": board, "part": part}


LIVE, PANEL, PLAIN = "live", "panel", "plain"
"""What a page shows, in its address's id: the kit's live callbacks match the address of
live pages only (their other inputs are not on a panel page), the chrome matches every
page's."""


def address(board: Any, view: Any) -> Id:
    """The page address (the one ``dcc.Location`` of a page): the board's state, theme,
    palette and embed mode live in its query string. ``view`` is LIVE, PANEL or PLAIN."""
    return {"type": "bk-address", "board": board, "view": view}


def theme_choice(board: Any) -> Id:
    """The kit's light/dark switch a panel view may place (``Slots.theme_picker``)."""
    return _id("theme-choice", board)


def palette_choice(board: Any) -> Id:
    """The kit's colour palette picker beside the light/dark switch."""
    return _id("palette-choice", board)


def control_note(board: Any, name: str) -> Id:
    """Text under a panel view's picker (e.g. the address asked for an option not there)."""
    return {"type": "bk-control-note", "board": board, "control": name}


def options_poll(board: Any) -> Id:
    """The interval that refreshes a panel view's picker options (every
    ``entity_refresh_seconds``, whatever the view's poll interval)."""
    return _id("options-poll", board)
