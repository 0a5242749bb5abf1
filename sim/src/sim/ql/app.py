"""The QuantumLeap stand-in application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from sim.config import Settings, get_settings
from sim.ql.dialect import Dialect
from sim.ql.errors import install_error_handlers
from sim.ql.routes import router
from sim.ql.store import MemoryStore, open_store
from sim.ql.views import Views
from sim.stats import RequestStats, StatsMiddleware


def create_ql_app(settings: Settings | None = None, store: MemoryStore | None = None) -> FastAPI:
    """A QL stand-in answering in `settings.dialect`, over `store` (or `settings.store`)."""
    settings = settings or get_settings()
    dialect = Dialect(settings.dialect)
    rows = store if store is not None else open_store(settings.store)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        rows.close()

    app = FastAPI(
        title="QuantumLeap stand-in",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.views = Views(rows, dialect)
    app.state.stats = RequestStats()
    app.include_router(router)
    install_error_handlers(app, dialect.name)
    app.add_middleware(StatsMiddleware, stats=app.state.stats)
    return app
