"""Tenant requests and responses."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from registry.boards.schemas import GrantRead
from registry.types import DisplayName, FiwareService, ServicePath, TenantSlug, Theme, Timezone


class TenantCreate(BaseModel):
    """A new tenant; only the slug is required."""

    model_config = ConfigDict(extra="forbid")

    slug: TenantSlug
    display_name: DisplayName | None = Field(default=None, description="Defaults to the slug.")
    fiware_service: FiwareService | None = Field(
        default=None, description="Defaults to the slug, lower-cased."
    )
    service_path: ServicePath = "/"
    timezone: Timezone = "UTC"
    theme: Theme = "light"
    enabled: bool = True


class TenantUpdate(BaseModel):
    """Changes to a tenant; omitted (or null) fields stay as they are. The slug is fixed."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    fiware_service: FiwareService | None = None
    service_path: ServicePath | None = None
    timezone: Timezone | None = None
    theme: Theme | None = None
    enabled: bool | None = None


class TenantRead(BaseModel):
    """A tenant with all its grants, enabled or not."""

    model_config = ConfigDict(from_attributes=True)

    slug: str
    display_name: str
    fiware_service: str
    service_path: str
    timezone: str
    theme: Theme
    enabled: bool
    created_at: datetime
    updated_at: datetime
    boards: list[GrantRead] = Field(validation_alias="grants")


class TenantPage(BaseModel):
    """One page of tenants, ordered by slug."""

    items: list[TenantRead]
    total: int
    limit: int
    offset: int
