"""Running a board service: ``python -m board_<name>`` ends up here."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn

from boardkit.app import BoardApp
from boardkit.config import BoardSettings
from boardkit.logs import configure_logging


def serve(create_app: Callable[[BoardSettings], BoardApp], settings: BoardSettings) -> None:
    """Serve ``create_app(settings)`` with uvicorn in this process, logging JSON."""
    configure_logging(settings.log_level)
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=settings.access_log,
        proxy_headers=False,
        server_header=False,
        lifespan="on",
    )
