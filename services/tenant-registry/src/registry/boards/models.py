"""The board_grants table: which board a tenant sees, and where."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from registry.tenants.models import Tenant


class BoardGrant(Base):
    """One catalogue board granted to one tenant, mounted at a path under the tenant."""

    __tablename__ = "board_grants"
    __table_args__ = (
        UniqueConstraint("tenant_id", "board", name="uq_board_grants_tenant_board"),
        UniqueConstraint("tenant_id", "mount_path", name="uq_board_grants_tenant_mount_path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    board: Mapped[str] = mapped_column(String(50))
    mount_path: Mapped[str] = mapped_column(String(50))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tenant: Mapped[Tenant] = relationship(back_populates="grants")
