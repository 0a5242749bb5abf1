"""Read API for the gateway. Unauthenticated: it must only be reachable from the gateway."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from registry.deps import RuntimeDep, SessionDep
from registry.routes import service as route_service
from registry.routes.schemas import Decision, LandingRead, NotFoundBody, RoutesRead

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": NotFoundBody, "description": "Unknown or disabled tenant, or board"}
}

router = APIRouter(tags=["read"], responses=_NOT_FOUND)


Generation = Annotated[
    int | None,
    Query(
        ge=0,
        description="A generation from `/v1/changes` the answer must reflect: the cache "
        "checks the change log first if it has not seen it.",
    ),
]


@router.get("/routes/{tenant}")
def routes(
    tenant: str, session: SessionDep, runtime: RuntimeDep, generation: Generation = None
) -> RoutesRead:
    """The tenant and its enabled boards."""
    return route_service.load_routes(
        tenant,
        session=session,
        cache=runtime.cache,
        metrics=runtime.metrics,
        changes=runtime.changes,
        needed=generation,
    )


@router.get("/resolve/{tenant}/{path:path}")
def resolve(tenant: str, path: str, session: SessionDep, runtime: RuntimeDep) -> Decision:
    """The board that serves ``path`` under the tenant."""
    table = route_service.load_routes(
        tenant,
        session=session,
        cache=runtime.cache,
        metrics=runtime.metrics,
        changes=runtime.changes,
    )
    return route_service.decide(table, path)


@router.get("/tenants/{tenant}/boards")
def tenant_boards(tenant: str, session: SessionDep, runtime: RuntimeDep) -> LandingRead:
    """The tenant's boards for its landing page."""
    table = route_service.load_routes(
        tenant,
        session=session,
        cache=runtime.cache,
        metrics=runtime.metrics,
        changes=runtime.changes,
    )
    return route_service.landing(table)
