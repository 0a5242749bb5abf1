"""Writing and reading the audit log; entries share the transaction of the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.audit.models import AuditEntry


def record(
    *,
    session: Session,
    actor: str,
    entity: str,
    entity_key: str,
    action: str,
    tenant: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry; it is written, or discarded, together with the change it describes."""
    entry = AuditEntry(
        actor=actor,
        entity=entity,
        entity_key=entity_key,
        tenant=tenant,
        action=action,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def list_page(
    *,
    session: Session,
    limit: int,
    offset: int,
    tenant: str | None = None,
    entity: str | None = None,
) -> tuple[list[AuditEntry], int]:
    """Newest first, optionally only one tenant's (lower-cased slug) or one entity kind."""
    query = select(AuditEntry)
    if tenant is not None:
        query = query.where(AuditEntry.tenant == tenant.lower())
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total
