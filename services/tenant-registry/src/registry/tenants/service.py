"""Tenant operations. Each write records an audit entry in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tenant_context import TENANT_SLUG_RE

from registry.audit import service as audit_service
from registry.database import utcnow
from registry.errors import SlugConflict, TenantNotFound
from registry.tenants.models import Tenant
from registry.tenants.schemas import TenantCreate, TenantUpdate


def snapshot(tenant: Tenant) -> dict[str, Any]:
    """The tenant's own fields as JSON, for the audit log."""
    return {
        "slug": tenant.slug,
        "display_name": tenant.display_name,
        "fiware_service": tenant.fiware_service,
        "service_path": tenant.service_path,
        "timezone": tenant.timezone,
        "theme": tenant.theme,
        "enabled": tenant.enabled,
    }


def get_by_slug(*, session: Session, slug: str) -> Tenant | None:
    """The tenant whose slug equals ``slug`` ignoring case, or None (also for bad slugs)."""
    if not TENANT_SLUG_RE.fullmatch(slug):
        return None
    return session.scalars(select(Tenant).where(Tenant.slug_key == slug.lower())).first()


def get_or_raise(*, session: Session, slug: str) -> Tenant:
    """Like ``get_by_slug`` but raises TenantNotFound."""
    tenant = get_by_slug(session=session, slug=slug)
    if tenant is None:
        raise TenantNotFound(f"Tenant {slug[:60]!r} not found")
    return tenant


def list_page(
    *,
    session: Session,
    limit: int,
    offset: int,
    enabled: bool | None = None,
    prefix: str | None = None,
) -> tuple[list[Tenant], int]:
    """Tenants ordered by slug, filtered by state and by case-insensitive slug prefix."""
    query = select(Tenant)
    if enabled is not None:
        query = query.where(Tenant.enabled.is_(enabled))
    if prefix:
        # autoescape: "_" is legal in slugs but a LIKE wildcard.
        query = query.where(Tenant.slug_key.startswith(prefix.lower(), autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Tenant.slug_key).limit(limit).offset(offset)).all()
    return list(rows), total


def create(*, session: Session, actor: str, data: TenantCreate) -> Tenant:
    """Add a tenant; SlugConflict if the slug is taken in any case."""
    slug_key = data.slug.lower()
    if session.scalars(select(Tenant.id).where(Tenant.slug_key == slug_key)).first():
        raise SlugConflict(f"Tenant slug {data.slug!r} is taken (slugs ignore case)")
    tenant = Tenant(
        slug=data.slug,
        slug_key=slug_key,
        display_name=data.display_name or data.slug,
        fiware_service=data.fiware_service or slug_key,
        service_path=data.service_path,
        timezone=data.timezone,
        theme=data.theme,
        enabled=data.enabled,
        grants=[],
    )
    session.add(tenant)
    try:
        session.flush()
    except IntegrityError as exc:
        raise SlugConflict(f"Tenant slug {data.slug!r} is taken (slugs ignore case)") from exc
    audit_service.record(
        session=session,
        actor=actor,
        entity="tenant",
        entity_key=slug_key,
        tenant=slug_key,
        action="create",
        after=snapshot(tenant),
    )
    return tenant


def update(*, session: Session, actor: str, tenant: Tenant, data: TenantUpdate) -> Tenant:
    """Apply the fields given in ``data``; records nothing when nothing changes."""
    before = snapshot(tenant)
    for field, value in data.model_dump(exclude_none=True).items():
        setattr(tenant, field, value)
    after = snapshot(tenant)
    if after != before:
        tenant.updated_at = utcnow()
        changed = {key for key in after if after[key] != before[key]}
        action = "update"
        if changed == {"enabled"}:
            action = "enable" if tenant.enabled else "disable"
        audit_service.record(
            session=session,
            actor=actor,
            entity="tenant",
            entity_key=tenant.slug_key,
            tenant=tenant.slug_key,
            action=action,
            before=before,
            after=after,
        )
    session.flush()
    return tenant


def set_enabled(*, session: Session, actor: str, tenant: Tenant, enabled: bool) -> Tenant:
    """Enable or disable without deleting anything: grants and settings are kept."""
    return update(session=session, actor=actor, tenant=tenant, data=TenantUpdate(enabled=enabled))


def delete(*, session: Session, actor: str, tenant: Tenant) -> None:
    """Remove the tenant and its grants; the audit log keeps their last state."""
    before = snapshot(tenant)
    before["boards"] = [grant.board for grant in tenant.grants]
    audit_service.record(
        session=session,
        actor=actor,
        entity="tenant",
        entity_key=tenant.slug_key,
        tenant=tenant.slug_key,
        action="delete",
        before=before,
    )
    session.delete(tenant)
    session.flush()
