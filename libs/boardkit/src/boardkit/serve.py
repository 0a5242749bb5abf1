"""Running a board service: ``python -m board_<name>`` ends up here."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from settings_cli import load_settings
from settings_cli.collector import tune_gc
from settings_cli.logs import configure_logging

from boardkit.app import BoardApp
from boardkit.config import BoardSettings


def serve(
    create_app: Callable[[BoardSettings], BoardApp],
    settings: BoardSettings | type[BoardSettings],
) -> None:
    """Serve ``create_app(settings)`` with uvicorn in this process.

    Given the settings class rather than settings, the command line answers ``--help``
    with every environment variable, and a missing or invalid one ends the process with a
    clear message instead of a traceback.
    """
    if isinstance(settings, type):
        settings_cls = settings
        settings = load_settings(
            settings_cls,
            settings_cls,
            prog=f"python -m {settings_cls.__module__.split('.')[0]}",
            description="Serve a Dazzler board service for every tenant, behind the gateway.",
        )
    service = type(settings).__module__.split(".")[0].replace("_", "-")
    configure_logging(
        service, settings.log_level, settings.log_format, access_log=settings.access_log
    )
    app = create_app(settings)
    # A board holds every viewer's push stream open: full collections must not walk the
    # app built at start each time.
    tune_gc()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=settings.access_log,
        timeout_keep_alive=int(settings.keep_alive_seconds),
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        proxy_headers=False,
        server_header=False,
        lifespan="on",
    )
