"""Admin API: the audit log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from registry.audit import service as audit_service
from registry.audit.schemas import AuditPage, AuditRead
from registry.deps import AdminDep, SessionDep
from registry.schemas import error_responses

router = APIRouter(prefix="/audit", tags=["admin: audit"], responses=error_responses(401))


@router.get("")
def list_audit(
    session: SessionDep,
    _admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    tenant: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_]{1,50}$")] = None,
    entity: Literal["tenant", "grant", "monitor", "token"] | None = None,
) -> AuditPage:
    """Changes, newest first."""
    rows, total = audit_service.list_page(
        session=session, limit=limit, offset=offset, tenant=tenant, entity=entity
    )
    items = [AuditRead.model_validate(row) for row in rows]
    return AuditPage(items=items, total=total, limit=limit, offset=offset)
