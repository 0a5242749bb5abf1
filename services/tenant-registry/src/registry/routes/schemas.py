"""Read API responses: what the gateway needs to route a request and sign its context."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from registry.types import Theme


class TenantInfo(BaseModel):
    """The tenant fields every board's context carries."""

    slug: str
    display_name: str
    fiware_service: str
    service_path: str
    timezone: str
    theme: Theme


class BoardRoute(BaseModel):
    """One enabled board of the tenant; ``service_path`` already has the override applied."""

    board: str
    mount_path: str
    title: str
    description: str
    service_path: str
    settings: dict[str, Any]


class RoutesRead(BaseModel):
    """The tenant and its enabled boards, ordered by mount path (the home board first)."""

    tenant: TenantInfo
    boards: list[BoardRoute]


class Decision(BaseModel):
    """Where one path under the tenant goes.

    ``rest`` is the part of the path after the mount path (all of it for a board at the
    home); ``boards`` lists every enabled board of the tenant for the navbar.
    """

    tenant: TenantInfo
    board: BoardRoute
    rest: str
    boards: list[BoardRoute]


class LandingBoard(BaseModel):
    """A board as the tenant's landing page lists it."""

    board: str
    mount_path: str
    title: str
    description: str


class LandingRead(BaseModel):
    """What the tenant's landing page shows."""

    tenant: TenantInfo
    boards: list[LandingBoard]


class NotFoundBody(BaseModel):
    """The one body of every read API 404, whatever was missing."""

    detail: str = "Not found"
    code: str = "not_found"
