"""The insight board service's app factory (boards ``insight`` and ``insight-preview``)."""

from __future__ import annotations

from boardkit import BoardApp, BoardSettings, create_board_app

from board_insight.config import Settings, get_settings
from board_insight.layout import insight_boards


def create_app(settings: BoardSettings | None = None) -> BoardApp:
    """The ASGI app serving both insight boards to every tenant."""
    if settings is None:
        chosen = get_settings()
    elif isinstance(settings, Settings):
        chosen = settings
    else:
        # Kit-level settings (e.g. from a shared test fixture) with this service's defaults.
        chosen = Settings.model_validate(settings.model_dump())
    return create_board_app(chosen, insight_boards(chosen), name=__name__)
