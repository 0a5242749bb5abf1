"""``GET /v1/changes``: how gateways without Redis learn of writes within a second."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from registry.changes import service as change_service
from registry.changes.schemas import ChangesRead
from registry.deps import SessionDep

router = APIRouter(tags=["read"])


@router.get("/changes")
def changes(
    session: SessionDep,
    after: Annotated[
        int | None,
        Query(ge=0, description="The generation the caller knows; omit to learn the current."),
    ] = None,
) -> ChangesRead:
    """The registry's generation and the tenants changed after ``after``."""
    generation, tenants = change_service.changed_since(session, after)
    return ChangesRead(generation=generation, tenants=tenants)
