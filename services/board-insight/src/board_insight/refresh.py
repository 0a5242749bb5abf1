"""The two boards' slugs and how often each refreshes (read by the page and the callbacks)."""

from __future__ import annotations

from boardkit import tenant_refresh_seconds
from tenant_context import TenantContext

from board_insight.config import Settings

INSIGHT = "insight"
PREVIEW = "insight-preview"


def refresh_seconds(context: TenantContext, settings: Settings) -> float:
    """The poll interval: the tenant's ``refresh_seconds`` setting, else the default.

    The report itself changes rarely, so the plain insight board polls at the slower
    entity-list pace unless the tenant asks otherwise.
    """
    preview = context.board == PREVIEW
    default = settings.refresh_seconds if preview else settings.entity_refresh_seconds
    return tenant_refresh_seconds(context, default)
