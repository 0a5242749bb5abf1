"""Admin API: tenants."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from registry.deps import AdminDep, SessionDep, TenantDep, WriteDep
from registry.schemas import error_responses
from registry.tenants import service as tenant_service
from registry.tenants.schemas import TenantCreate, TenantPage, TenantRead, TenantUpdate

router = APIRouter(prefix="/tenants", tags=["admin: tenants"], responses=error_responses(401, 404))


@router.get("")
def list_tenants(
    session: SessionDep,
    _admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    enabled: bool | None = None,
    prefix: Annotated[
        str | None, Query(pattern=r"^[A-Za-z0-9_]{0,50}$", description="Slug prefix, any case.")
    ] = None,
) -> TenantPage:
    """Tenants ordered by slug."""
    rows, total = tenant_service.list_page(
        session=session, limit=limit, offset=offset, enabled=enabled, prefix=prefix
    )
    items = [TenantRead.model_validate(row) for row in rows]
    return TenantPage(items=items, total=total, limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
def create_tenant(data: TenantCreate, uow: WriteDep) -> TenantRead:
    """Add a tenant (with no boards yet)."""
    tenant = tenant_service.create(session=uow.session, actor=uow.actor, data=data)
    uow.commit(tenant.slug_key)
    return TenantRead.model_validate(tenant)


@router.get("/{tenant}")
def read_tenant(tenant: TenantDep) -> TenantRead:
    """One tenant with every grant, enabled or not."""
    return TenantRead.model_validate(tenant)


@router.patch("/{tenant}")
def update_tenant(tenant: TenantDep, data: TenantUpdate, uow: WriteDep) -> TenantRead:
    """Change a tenant's fields; the slug cannot change."""
    tenant_service.update(session=uow.session, actor=uow.actor, tenant=tenant, data=data)
    uow.commit(tenant.slug_key)
    return TenantRead.model_validate(tenant)


@router.post("/{tenant}/enable")
def enable_tenant(tenant: TenantDep, uow: WriteDep) -> TenantRead:
    """Serve the tenant's boards again."""
    tenant_service.set_enabled(session=uow.session, actor=uow.actor, tenant=tenant, enabled=True)
    uow.commit(tenant.slug_key)
    return TenantRead.model_validate(tenant)


@router.post("/{tenant}/disable")
def disable_tenant(tenant: TenantDep, uow: WriteDep) -> TenantRead:
    """Hide the tenant (404 on the read API) without deleting anything."""
    tenant_service.set_enabled(session=uow.session, actor=uow.actor, tenant=tenant, enabled=False)
    uow.commit(tenant.slug_key)
    return TenantRead.model_validate(tenant)


@router.delete("/{tenant}", status_code=status.HTTP_204_NO_CONTENT)
def delete_tenant(tenant: TenantDep, uow: WriteDep) -> Response:
    """Delete the tenant and its grants."""
    slug_key = tenant.slug_key
    tenant_service.delete(session=uow.session, actor=uow.actor, tenant=tenant)
    uow.commit(slug_key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
