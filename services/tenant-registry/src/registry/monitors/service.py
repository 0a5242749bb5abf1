"""Adding, changing and deleting entity monitors; each write is audit-logged."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tenant_context import MonitorSpec

from registry.audit import service as audit_service
from registry.database import utcnow
from registry.errors import MonitorNotFound, MountPathConflict
from registry.monitors.models import Monitor
from registry.monitors.schemas import MonitorCreate, MonitorUpdate, PreviewRead
from registry.tenants.models import Tenant


def snapshot(monitor: Monitor) -> dict[str, Any]:
    """The monitor as JSON, for the audit log."""
    return {"slug": monitor.slug, "spec": monitor.spec, "enabled": monitor.enabled}


def find(*, tenant: Tenant, slug: str) -> Monitor | None:
    """The tenant's monitor at ``slug``, or None."""
    return next((m for m in tenant.monitors if m.slug == slug), None)


def get_or_raise(*, tenant: Tenant, slug: str) -> Monitor:
    """The tenant's monitor at ``slug``, or MonitorNotFound."""
    monitor = find(tenant=tenant, slug=slug)
    if monitor is None:
        raise MonitorNotFound(f"Tenant {tenant.slug!r} has no monitor {slug[:60]!r}")
    return monitor


def mount_path_owner(tenant: Tenant, mount_path: str) -> str | None:
    """What already occupies ``mount_path`` under the tenant (a board or a monitor)."""
    for grant in tenant.grants:
        if grant.mount_path == mount_path:
            return f"board {grant.board!r}"
    monitor = find(tenant=tenant, slug=mount_path)
    return None if monitor is None else f"monitor {monitor.slug!r}"


def _audit(
    session: Session,
    actor: str,
    tenant: Tenant,
    slug: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit_service.record(
        session=session,
        actor=actor,
        entity="monitor",
        entity_key=f"{tenant.slug_key}/{slug}",
        tenant=tenant.slug_key,
        action=action,
        before=before,
        after=after,
    )


def create(*, session: Session, actor: str, tenant: Tenant, data: MonitorCreate) -> Monitor:
    """Add a monitor; MountPathConflict when a board or monitor has the path already."""
    owner = mount_path_owner(tenant, data.slug)
    if owner is not None:
        raise MountPathConflict(f"{owner.capitalize()} is already mounted at /{data.slug}")
    monitor = Monitor(slug=data.slug, spec=data.spec.stored(), enabled=data.enabled)
    tenant.monitors.append(monitor)
    try:
        session.flush()
    except IntegrityError as exc:
        # Only reachable when two writers race past the check above.
        raise MountPathConflict(f"Another monitor is mounted at /{data.slug}") from exc
    _audit(session, actor, tenant, monitor.slug, "create", None, snapshot(monitor))
    return monitor


def update(
    *, session: Session, actor: str, tenant: Tenant, slug: str, data: MonitorUpdate
) -> Monitor:
    """Replace the spec and/or switch the monitor on or off."""
    monitor = get_or_raise(tenant=tenant, slug=slug)
    before = snapshot(monitor)
    if data.spec is not None:
        monitor.spec = data.spec.stored()
    if data.enabled is not None:
        monitor.enabled = data.enabled
    after = snapshot(monitor)
    if after != before:
        monitor.updated_at = utcnow()
        session.flush()
        _audit(session, actor, tenant, slug, "update", before, after)
    return monitor


def delete(*, session: Session, actor: str, tenant: Tenant, slug: str) -> None:
    """Remove the monitor (its last spec stays in the audit log)."""
    monitor = get_or_raise(tenant=tenant, slug=slug)
    _audit(session, actor, tenant, slug, "delete", snapshot(monitor), None)
    tenant.monitors.remove(monitor)
    session.flush()


def preview(*, tenant: Tenant, slug: str, spec: MonitorSpec) -> PreviewRead:
    """What storing ``spec`` at ``slug`` would give, without storing anything."""
    existing = find(tenant=tenant, slug=slug)
    owner = mount_path_owner(tenant, slug)
    return PreviewRead(
        slug=slug,
        spec=spec.stored(),
        mount_path_free=owner is None or existing is not None,
        exists=existing is not None,
    )
