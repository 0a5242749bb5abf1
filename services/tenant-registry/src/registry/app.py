"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Response, status
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from registry import docs_pages, http_errors
from registry.audit.api import router as audit_router
from registry.boards.api import router as boards_router
from registry.changes.api import router as changes_router
from registry.config import Settings, get_settings
from registry.deps import RuntimeDep
from registry.metrics import RequestMetricsMiddleware
from registry.monitors.api import router as monitors_router
from registry.monitors.api import schema_router
from registry.routes.api import router as read_router
from registry.routes.tenant_list import router as tenant_list_router
from registry.runtime import Runtime
from registry.tenants.api import router as tenants_router

DESCRIPTION = """\
Which tenants exist and which boards each of them sees.

* `/v1/routes`, `/v1/resolve`, `/v1/tenants/{tenant}/boards` are read by the gateway on
  every request; `/v1/tenants` lists the enabled tenants for data generators. They need
  no credentials, so **they must not be exposed publicly**: keep the registry on an
  internal network that only the gateway and the generator reach.
* `/v1/schemas/monitor` is the JSON schema of an entity monitor's spec.
* `/v1/admin/…` needs `Authorization: Bearer <token>`; tokens come from
  `python -m registry tokens create NAME`.
"""

ops_router = APIRouter(tags=["operations"])


@ops_router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@ops_router.get("/readyz", responses={503: {"description": "The database is unreachable"}})
def readyz(runtime: RuntimeDep) -> JSONResponse:
    """The database answers."""
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable"},
            status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    return JSONResponse({"status": "ok", "database": "ok"})


@ops_router.get("/metrics", response_class=Response)
def metrics(runtime: RuntimeDep) -> Response:
    """Prometheus metrics."""
    return Response(runtime.metrics.render(), media_type=CONTENT_TYPE_LATEST)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (the environment's when None); connects lazily."""
    runtime = Runtime.build(settings or get_settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runtime.close()

    app = FastAPI(
        title="Dazzler tenant registry",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    docs_pages.install(app)
    app.state.runtime = runtime
    http_errors.install(app)

    admin = APIRouter(prefix="/v1/admin")
    admin.include_router(tenants_router)
    admin.include_router(boards_router)
    admin.include_router(monitors_router)
    admin.include_router(audit_router)
    app.include_router(admin)
    app.include_router(read_router, prefix="/v1")
    app.include_router(tenant_list_router, prefix="/v1")
    app.include_router(changes_router, prefix="/v1")
    app.include_router(schema_router, prefix="/v1")
    app.include_router(ops_router)
    app.add_middleware(RequestMetricsMiddleware, metrics=runtime.metrics)
    return app
