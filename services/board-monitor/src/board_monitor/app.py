"""The monitor service's app factory."""

from __future__ import annotations

from boardkit import BoardApp, BoardSettings, create_board_app

from board_monitor.config import get_settings
from board_monitor.layout import monitor_board


def create_app(settings: BoardSettings | None = None) -> BoardApp:
    """The ASGI app serving every tenant's entity monitors."""
    settings = settings or get_settings()
    board = monitor_board()
    return create_board_app(settings, [board], name=__name__)
