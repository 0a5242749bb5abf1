"""Read API for the gateway. Unauthenticated: it must only be reachable from the gateway."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from registry.deps import RuntimeDep, SessionDep
from registry.routes import service as route_service
from registry.routes.schemas import Decision, LandingRead, NotFoundBody, RoutesRead

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": NotFoundBody, "description": "Unknown or disabled tenant, or board"}
}

router = APIRouter(tags=["read"], responses=_NOT_FOUND)


@router.get("/routes/{tenant}")
def routes(tenant: str, session: SessionDep, runtime: RuntimeDep) -> RoutesRead:
    """The tenant and its enabled boards."""
    return route_service.load_routes(
        tenant, session=session, cache=runtime.cache, metrics=runtime.metrics
    )


@router.get("/resolve/{tenant}/{path:path}")
def resolve(tenant: str, path: str, session: SessionDep, runtime: RuntimeDep) -> Decision:
    """The board that serves ``path`` under the tenant."""
    table = route_service.load_routes(
        tenant, session=session, cache=runtime.cache, metrics=runtime.metrics
    )
    return route_service.decide(table, path)


@router.get("/tenants/{tenant}/boards")
def tenant_boards(tenant: str, session: SessionDep, runtime: RuntimeDep) -> LandingRead:
    """The tenant's boards for its landing page."""
    table = route_service.load_routes(
        tenant, session=session, cache=runtime.cache, metrics=runtime.metrics
    )
    return route_service.landing(table)
