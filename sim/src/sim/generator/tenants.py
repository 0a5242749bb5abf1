"""Which tenants the generator feeds: a fixed list, or whatever the tenant registry lists."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import httpx
from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Target:
    """Where one tenant's data goes: its FIWARE service (lower-cased, as FIWARE folds it)."""

    service: str
    service_path: str = "/"


class TenantSource(Protocol):
    """Answers the tenants to feed now, or None when it cannot tell (keep the last list)."""

    async def targets(self) -> list[Target] | None: ...


class FixedTenants:
    """The same tenants every tick (``DAZZLER_SIM_TENANTS``)."""

    def __init__(self, services: list[str], service_path: str) -> None:
        self._targets = [Target(s.lower(), service_path) for s in services]

    async def targets(self) -> list[Target] | None:
        return list(self._targets)


class _Listed(BaseModel):
    fiware_service: str
    service_path: str


class _TenantList(BaseModel):
    tenants: list[_Listed]


class RegistryTenants:
    """The enabled tenants of the registry's ``GET /v1/tenants``.

    A registry that is down or answers nonsense yields None, so the generator keeps
    feeding the tenants it knew rather than stopping every feed.
    """

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def targets(self) -> list[Target] | None:
        try:
            response = await self._http.get("/v1/tenants")
            response.raise_for_status()
            listed = _TenantList.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as exc:
            log.warning("tenant registry unreadable, keeping the current tenants: %s", exc)
            return None
        # Two tenants may share one FIWARE service and path: feed it once.
        unique = dict.fromkeys(
            Target(t.fiware_service.lower(), t.service_path) for t in listed.tenants
        )
        return list(unique)
