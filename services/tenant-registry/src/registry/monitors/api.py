"""Admin API: a tenant's entity monitors; and the published JSON schema of a spec."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from tenant_context import monitor_json_schema

from registry.deps import TenantDep, WriteDep
from registry.monitors import service as monitor_service
from registry.monitors.schemas import (
    MonitorCreate,
    MonitorPreview,
    MonitorRead,
    MonitorSlug,
    MonitorUpdate,
    PreviewRead,
)
from registry.schemas import error_responses

router = APIRouter(
    prefix="/tenants/{tenant}/monitors",
    tags=["admin: monitors"],
    responses=error_responses(401, 404),
)
schema_router = APIRouter(prefix="/schemas", tags=["schemas"])

SlugPath = Annotated[MonitorSlug, Path(description="The monitor's mount path.")]


@router.get("")
def list_monitors(tenant: TenantDep) -> list[MonitorRead]:
    """Every monitor of the tenant, by slug."""
    return [MonitorRead.model_validate(m) for m in sorted(tenant.monitors, key=lambda m: m.slug)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
def create_monitor(tenant: TenantDep, data: MonitorCreate, uow: WriteDep) -> MonitorRead:
    """Add a monitor; it is served at ``/<slug>`` under the tenant from the next request."""
    monitor = monitor_service.create(session=uow.session, actor=uow.actor, tenant=tenant, data=data)
    uow.commit(tenant.slug_key)
    return MonitorRead.model_validate(monitor)


@router.get("/{slug}")
def read_monitor(tenant: TenantDep, slug: SlugPath) -> MonitorRead:
    """One monitor with its normalised spec."""
    return MonitorRead.model_validate(monitor_service.get_or_raise(tenant=tenant, slug=slug))


@router.patch("/{slug}")
def update_monitor(
    tenant: TenantDep, slug: SlugPath, data: MonitorUpdate, uow: WriteDep
) -> MonitorRead:
    """Replace the spec or switch the monitor on or off; viewers see it on their next load."""
    monitor = monitor_service.update(
        session=uow.session, actor=uow.actor, tenant=tenant, slug=slug, data=data
    )
    uow.commit(tenant.slug_key)
    return MonitorRead.model_validate(monitor)


@router.post("/{slug}/preview")
def preview_monitor(tenant: TenantDep, slug: SlugPath, data: MonitorPreview) -> PreviewRead:
    """Validate a spec and return it normalised; nothing is stored."""
    return monitor_service.preview(tenant=tenant, slug=slug, spec=data.spec)


@router.delete("/{slug}", status_code=status.HTTP_204_NO_CONTENT)
def delete_monitor(tenant: TenantDep, slug: SlugPath, uow: WriteDep) -> Response:
    """Remove the monitor."""
    monitor_service.delete(session=uow.session, actor=uow.actor, tenant=tenant, slug=slug)
    uow.commit(tenant.slug_key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@schema_router.get("/monitor")
def monitor_schema() -> dict[str, Any]:
    """The JSON schema every monitor spec is validated against."""
    return monitor_json_schema()
