"""The context a board receives with every request."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Theme = Literal["light", "dark"]


class BoardLink(BaseModel):
    """Another board of the same tenant, for the navbar."""

    model_config = ConfigDict(frozen=True)

    slug: str
    title: str
    href: str


class TenantContext(BaseModel):
    """Everything a board needs to know about the tenant behind one request.

    ``public_prefix`` is the path the browser sees for the board, always ending in ``/``
    (for example ``/dazzler/acme/-/roughnator/``); the board serves its pages and assets
    under it even though one process serves every tenant.
    """

    model_config = ConfigDict(frozen=True)

    tenant: str
    display_name: str
    fiware_service: str
    service_path: str = "/"
    timezone: str = "UTC"
    theme: Theme = "light"
    board: str
    public_prefix: str
    settings: dict[str, Any] = Field(default_factory=dict)
    boards: tuple[BoardLink, ...] = ()
