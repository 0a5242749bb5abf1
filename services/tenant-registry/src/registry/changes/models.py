"""The change log table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from registry.database import Base, UTCDateTime, utcnow


class TenantChange(Base):
    """One committed write to a tenant; the highest id is the registry's generation.

    Written in the same transaction as the change itself, by the API and the CLI alike,
    so a process that did not make the write (another registry replica, a server while
    the CLI runs) learns of it from the database alone.
    """

    __tablename__ = "tenant_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug_key: Mapped[str] = mapped_column(String(50))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
