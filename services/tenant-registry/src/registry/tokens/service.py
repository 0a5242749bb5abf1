"""Admin tokens: created and revoked from the CLI, checked on every admin request."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import service as audit_service
from registry.database import utcnow
from registry.errors import TokenNameTaken, Unauthorized
from registry.tokens.models import AdminToken

TOKEN_PREFIX = "dzr_"
CLI_ACTOR = "cli"


def hash_token(token: str) -> str:
    """The stored form of a token: a random 32-byte secret needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def create(*, session: Session, name: str, actor: str = CLI_ACTOR) -> str:
    """Store a new token called ``name`` and return it; it cannot be shown again."""
    if not name or len(name) > 100:
        raise ValueError("token name must be 1 to 100 characters")
    if session.scalars(select(AdminToken).where(AdminToken.name == name)).first() is not None:
        raise TokenNameTaken(f"a token named {name!r} exists already")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(AdminToken(name=name, token_hash=hash_token(token)))
    audit_service.record(
        session=session,
        actor=actor,
        entity="token",
        entity_key=name,
        action="create",
        after={"name": name},
    )
    session.flush()
    return token


def revoke(*, session: Session, name: str, actor: str = CLI_ACTOR) -> bool:
    """Revoke the token called ``name``; False if there is no such live token."""
    row = session.scalars(
        select(AdminToken).where(AdminToken.name == name, AdminToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return False
    row.revoked_at = utcnow()
    audit_service.record(
        session=session,
        actor=actor,
        entity="token",
        entity_key=name,
        action="revoke",
        before={"name": name},
    )
    session.flush()
    return True


def list_all(*, session: Session) -> list[AdminToken]:
    """Every token ever created, oldest first (hashes only)."""
    return list(session.scalars(select(AdminToken).order_by(AdminToken.id)))


def authenticate(*, session: Session, token: str | None) -> str:
    """Return the name of the live token ``token``, or raise Unauthorized."""
    if not token:
        raise Unauthorized("Missing bearer token")
    presented = hash_token(token)
    row = session.scalars(select(AdminToken).where(AdminToken.token_hash == presented)).first()
    # The lookup is by a hash of the secret, so it leaks nothing; compare anyway so the
    # decision itself is constant-time.
    if row is None or not hmac.compare_digest(row.token_hash, presented):
        raise Unauthorized("Invalid bearer token")
    if row.revoked_at is not None:
        raise Unauthorized("Invalid bearer token")
    return row.name
