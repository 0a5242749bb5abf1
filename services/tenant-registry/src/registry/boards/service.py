"""Granting, changing and revoking boards. Mount paths are unique within a tenant."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.audit import service as audit_service
from registry.boards.models import BoardGrant
from registry.boards.schemas import GrantCreate, GrantUpdate
from registry.database import utcnow
from registry.errors import BoardAlreadyGranted, GrantNotFound, MountPathConflict
from registry.tenants.models import Tenant


def snapshot(grant: BoardGrant) -> dict[str, Any]:
    """The grant as JSON, for the audit log."""
    return {
        "board": grant.board,
        "mount_path": grant.mount_path,
        "settings": grant.settings,
        "enabled": grant.enabled,
    }


def get_or_raise(*, tenant: Tenant, board: str) -> BoardGrant:
    """The tenant's grant of ``board``, or GrantNotFound."""
    for grant in tenant.grants:
        if grant.board == board:
            return grant
    raise GrantNotFound(f"Tenant {tenant.slug!r} has no board {board[:60]!r}")


def _check_mount_free(tenant: Tenant, mount_path: str, *, keep: BoardGrant | None) -> None:
    for grant in tenant.grants:
        if grant is not keep and grant.mount_path == mount_path:
            where = f"/{mount_path}" if mount_path else "the tenant's home"
            raise MountPathConflict(f"Board {grant.board!r} is already mounted at {where}")
    for monitor in tenant.monitors:
        if monitor.slug == mount_path:
            raise MountPathConflict(f"Monitor {monitor.slug!r} is already mounted at /{mount_path}")


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        # Only reachable when two writers race past the checks above.
        if "mount_path" in str(exc.orig):
            raise MountPathConflict("Another board is mounted at this path") from exc
        raise BoardAlreadyGranted("The board is already granted") from exc


def _audit(
    session: Session,
    actor: str,
    tenant: Tenant,
    grant: BoardGrant,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit_service.record(
        session=session,
        actor=actor,
        entity="grant",
        entity_key=f"{tenant.slug_key}/{grant.board}",
        tenant=tenant.slug_key,
        action=action,
        before=before,
        after=after,
    )


def grant(*, session: Session, actor: str, tenant: Tenant, data: GrantCreate) -> BoardGrant:
    """Give ``tenant`` a board; BoardAlreadyGranted or MountPathConflict if it clashes."""
    if any(existing.board == data.board for existing in tenant.grants):
        raise BoardAlreadyGranted(f"Tenant {tenant.slug!r} already has board {data.board!r}")
    mount_path = data.board if data.mount_path is None else data.mount_path
    _check_mount_free(tenant, mount_path, keep=None)
    new = BoardGrant(
        board=data.board,
        mount_path=mount_path,
        settings=data.settings.stored(),
        enabled=data.enabled,
    )
    tenant.grants.append(new)
    _flush(session)
    _audit(session, actor, tenant, new, "grant", None, snapshot(new))
    return new


def update(
    *, session: Session, actor: str, tenant: Tenant, board: str, data: GrantUpdate
) -> BoardGrant:
    """Change the grant's mount path, settings or state."""
    current = get_or_raise(tenant=tenant, board=board)
    before = snapshot(current)
    if data.mount_path is not None and data.mount_path != current.mount_path:
        _check_mount_free(tenant, data.mount_path, keep=current)
        current.mount_path = data.mount_path
    if data.settings is not None:
        current.settings = data.settings.stored()
    if data.enabled is not None:
        current.enabled = data.enabled
    after = snapshot(current)
    if after != before:
        current.updated_at = utcnow()
        _flush(session)
        _audit(session, actor, tenant, current, "update", before, after)
    return current


def revoke(*, session: Session, actor: str, tenant: Tenant, board: str) -> None:
    """Take the board away from the tenant (its settings are kept in the audit log)."""
    current = get_or_raise(tenant=tenant, board=board)
    _audit(session, actor, tenant, current, "revoke", snapshot(current), None)
    tenant.grants.remove(current)
    session.flush()
