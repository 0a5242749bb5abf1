"""The read path: cache first, then the database, and the decisions derived from a table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from tenant_context import BOARD_CATALOGUE, MONITOR_BOARD, MONITOR_SETTING, TENANT_SLUG_RE

from registry.cache import RouteCache, RoutesDocument
from registry.changes.service import ChangeFollower
from registry.errors import RouteNotFound
from registry.metrics import RegistryMetrics
from registry.routes.schemas import Decision, LandingBoard, LandingRead, RoutesRead
from registry.tenants.models import Tenant


def _monitor_routes(tenant: Tenant) -> list[dict[str, Any]]:
    """Each enabled monitor as a route to the monitor board, its spec in the settings."""
    info = BOARD_CATALOGUE[MONITOR_BOARD]
    return [
        {
            "board": MONITOR_BOARD,
            "mount_path": monitor.slug,
            "title": monitor.spec.get("title") or info.title,
            "description": info.description,
            "service_path": tenant.service_path,
            "settings": {MONITOR_SETTING: monitor.spec},
        }
        for monitor in tenant.monitors
        if monitor.enabled
    ]


def build_document(tenant: Tenant) -> RoutesDocument | None:
    """The routing table of ``tenant``, or None when it must look like it does not exist."""
    if not tenant.enabled:
        return None
    boards = _monitor_routes(tenant)
    for grant in sorted(tenant.grants, key=lambda g: g.mount_path):
        info = BOARD_CATALOGUE.get(grant.board)
        # A board dropped from the catalogue has no service to route to.
        if not grant.enabled or info is None:
            continue
        boards.append(
            {
                "board": grant.board,
                "mount_path": grant.mount_path,
                "title": info.title,
                "description": info.description,
                "service_path": grant.settings.get("service_path") or tenant.service_path,
                "settings": grant.settings,
            }
        )
    return {
        "tenant": {
            "slug": tenant.slug,
            "display_name": tenant.display_name,
            "fiware_service": tenant.fiware_service,
            "service_path": tenant.service_path,
            "timezone": tenant.timezone,
            "theme": tenant.theme,
        },
        "boards": sorted(boards, key=lambda board: str(board["mount_path"])),
    }


def load_routes(
    slug: str,
    *,
    session: Session,
    cache: RouteCache,
    metrics: RegistryMetrics,
    changes: ChangeFollower,
    needed: int | None = None,
) -> RoutesRead:
    """The tenant's routing table; RouteNotFound for unknown, invalid or disabled tenants.

    ``needed``: a generation the caller knows of; the cache is brought up to it first.
    """
    if not TENANT_SLUG_RE.fullmatch(slug):
        raise RouteNotFound()
    changes.follow(session, needed)
    slug_key = slug.lower()
    lookup = cache.get(slug_key)
    if lookup.hit:
        document = lookup.document
    else:
        metrics.db_reads.inc()
        tenant = session.scalars(select(Tenant).where(Tenant.slug_key == slug_key)).first()
        document = None if tenant is None else build_document(tenant)
        if not lookup.store_down:
            cache.put(slug_key, document, lookup.generation)
    if document is None:
        raise RouteNotFound()
    return RoutesRead.model_validate(document)


def decide(routes: RoutesRead, path: str) -> Decision:
    """The board serving ``path``: the one mounted at its first segment, else the home one."""
    first, _, rest = path.lstrip("/").partition("/")
    by_mount = {board.mount_path: board for board in routes.boards}
    if first and first in by_mount:
        return Decision(
            tenant=routes.tenant, board=by_mount[first], rest=rest, boards=routes.boards
        )
    home = by_mount.get("")
    if home is None:
        raise RouteNotFound()
    return Decision(tenant=routes.tenant, board=home, rest=path.lstrip("/"), boards=routes.boards)


def landing(routes: RoutesRead) -> LandingRead:
    """The tenant's boards for its landing page."""
    return LandingRead(
        tenant=routes.tenant,
        boards=[
            LandingBoard(
                board=b.board, mount_path=b.mount_path, title=b.title, description=b.description
            )
            for b in routes.boards
        ],
    )
