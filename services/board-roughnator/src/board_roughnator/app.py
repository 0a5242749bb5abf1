"""The roughnator service's app factory."""

from __future__ import annotations

from boardkit import BoardApp, BoardSettings, create_board_app

from board_roughnator.config import get_settings
from board_roughnator.layout import roughnator_board


def create_app(settings: BoardSettings | None = None) -> BoardApp:
    """The ASGI app serving the roughnator board to every tenant."""
    return create_board_app(settings or get_settings(), [roughnator_board()], name=__name__)
