"""The monitors table: entity monitors a tenant sees, each a spec mounted at a path."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from registry.tenants.models import Tenant


class Monitor(Base):
    """One entity monitor of one tenant: served by the ``monitor`` board at ``/<slug>``.

    The slug is the monitor's mount path, so it shares the tenant's mount paths with the
    board grants (the services check both tables).
    """

    __tablename__ = "monitors"
    __table_args__ = (UniqueConstraint("tenant_id", "slug", name="uq_monitors_tenant_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(50))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tenant: Mapped[Tenant] = relationship(back_populates="monitors")
