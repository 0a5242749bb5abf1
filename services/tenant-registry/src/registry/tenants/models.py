"""The tenants table."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from registry.boards.models import BoardGrant
    from registry.monitors.models import Monitor


class Tenant(Base):
    """A customer: one FIWARE service and the boards it may open."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50))
    # The lower-cased slug carries the uniqueness rule: QL folds tenant case, so "ACME"
    # and "acme" would share data.
    slug_key: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    fiware_service: Mapped[str] = mapped_column(String(50))
    service_path: Mapped[str] = mapped_column(String(600), default="/")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    theme: Mapped[str] = mapped_column(String(5), default="light")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    grants: Mapped[list[BoardGrant]] = relationship(
        back_populates="tenant",
        cascade="all, delete-orphan",
        order_by="BoardGrant.mount_path",
        lazy="selectin",
    )
    monitors: Mapped[list[Monitor]] = relationship(
        back_populates="tenant",
        cascade="all, delete-orphan",
        order_by="Monitor.slug",
        lazy="selectin",
    )
