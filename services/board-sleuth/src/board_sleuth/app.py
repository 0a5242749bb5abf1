"""The sleuth service's app factory."""

from __future__ import annotations

from boardkit import BoardApp, BoardSettings, create_board_app

from board_sleuth.config import get_settings
from board_sleuth.layout import sleuth_boards


def create_app(settings: BoardSettings | None = None) -> BoardApp:
    """The ASGI app serving the sleuth, raw-materials and tweezers boards to every tenant."""
    return create_board_app(settings or get_settings(), sleuth_boards(), name=__name__)
