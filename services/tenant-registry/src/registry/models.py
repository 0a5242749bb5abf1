"""Every table, imported in one place so Alembic and the mappers see them all."""

from __future__ import annotations

from registry.audit.models import AuditEntry
from registry.boards.models import BoardGrant
from registry.changes.models import TenantChange
from registry.database import Base
from registry.monitors.models import Monitor
from registry.tenants.models import Tenant
from registry.tokens.models import AdminToken

__all__ = ["AdminToken", "AuditEntry", "Base", "BoardGrant", "Monitor", "Tenant", "TenantChange"]
