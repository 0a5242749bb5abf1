"""The showcase board service's app factory."""

from __future__ import annotations

from boardkit import BoardApp, BoardSettings, create_board_app

from board_demo.config import get_settings
from board_demo.layout import demo_board


def create_app(settings: BoardSettings | None = None) -> BoardApp:
    """The ASGI app serving the showcase to every tenant."""
    return create_board_app(settings or get_settings(), [demo_board()], name=__name__)
