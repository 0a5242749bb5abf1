"""The fatigue board service's app factory."""

from __future__ import annotations

from boardkit import BoardApp, BoardSettings, create_board_app

from board_fams.config import Settings, get_settings
from board_fams.layout import fams_board


def create_app(settings: BoardSettings | None = None) -> BoardApp:
    """The ASGI app serving the fams board to every tenant."""
    if settings is None:
        chosen = get_settings()
    elif isinstance(settings, Settings):
        chosen = settings
    else:
        # Kit-level settings (e.g. from a shared test fixture) with this board's defaults.
        chosen = Settings.model_validate(settings.model_dump())
    return create_board_app(chosen, [fams_board(chosen)], name=__name__)
