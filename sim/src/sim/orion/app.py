"""The Orion stand-in application."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI

from sim.config import Settings, get_settings
from sim.orion import routes_batch, routes_entities, routes_subscriptions
from sim.orion.errors import CorrelatorMiddleware, install_error_handlers
from sim.orion.notifier import ORION_VERSION, Notifier
from sim.orion.store import OrionStore


def _uptime(seconds: float) -> str:
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{days} d, {hours} h, {minutes} m, {secs} s"


def create_orion_app(settings: Settings | None = None) -> FastAPI:
    """An Orion stand-in whose subscriptions really POST notifications."""
    settings = settings or get_settings()
    store = OrionStore()
    notifier = Notifier(
        store,
        queue_size=settings.notify_queue_size,
        workers=settings.notify_workers,
        timeout=settings.notify_timeout,
    )
    started = time.monotonic()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await notifier.start()
        try:
            yield
        finally:
            await notifier.stop()

    app = FastAPI(
        title="Orion stand-in", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.store = store
    app.state.notifier = notifier

    meta = APIRouter()

    @meta.get("/version")
    async def version() -> dict[str, Any]:
        return {
            "orion": {
                "version": ORION_VERSION,
                "uptime": _uptime(time.monotonic() - started),
                "git_hash": "nogitversion",
                "compile_time": "",
                "compiled_by": "dazzler-sim",
                "compiled_in": "",
                "release_date": "",
                "machine": "",
                "doc": "https://fiware-orion.rtfd.io/",
                "libversions": {},
            }
        }

    app.include_router(meta)
    app.include_router(routes_entities.router)
    app.include_router(routes_batch.router)
    app.include_router(routes_subscriptions.router)
    install_error_handlers(app)
    app.add_middleware(CorrelatorMiddleware)
    return app
