"""``GET /v1/tenants``: the enabled tenants and where their data lives, for data feeders."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from registry.deps import SessionDep
from registry.tenants.models import Tenant

router = APIRouter(tags=["read"])


class TenantTarget(BaseModel):
    """One enabled tenant and the FIWARE service and path its data is written to."""

    slug: str
    fiware_service: str
    service_path: str


class TenantList(BaseModel):
    """Every enabled tenant, ordered by slug."""

    tenants: list[TenantTarget] = Field(description="Disabled tenants are left out.")


@router.get("/tenants")
def enabled_tenants(session: SessionDep) -> TenantList:
    """The enabled tenants with their FIWARE service: what a data generator should feed."""
    rows = session.scalars(
        select(Tenant).where(Tenant.enabled.is_(True)).order_by(Tenant.slug_key)
    ).all()
    return TenantList(
        tenants=[
            TenantTarget(slug=t.slug, fiware_service=t.fiware_service, service_path=t.service_path)
            for t in rows
        ]
    )
