"""Asking the tenant registry for a tenant's routes."""

from __future__ import annotations

from urllib.parse import quote

import aiohttp
from pydantic import BaseModel, ConfigDict, ValidationError

from gateway.routes import RouteTable


class RegistryError(Exception):
    """The registry could not be asked, or answered something unusable."""


class Changes(BaseModel):
    """``GET /v1/changes``: the registry's generation and the tenants changed since."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    generation: int
    tenants: tuple[str, ...] = ()


class RegistryClient:
    """Reads ``GET /v1/routes/{tenant}`` through the gateway's shared HTTP session."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, timeout: float) -> None:
        self._session = session
        self._base_url = base_url
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def routes(self, tenant: str, generation: int | None = None) -> RouteTable | None:
        """Return the tenant's routes, or None when the registry says it is not served.

        ``generation``: the latest change generation the gateway knows; the registry
        brings its own cache up to it before answering. Raises RegistryError when the
        registry is unreachable or answers 5xx.
        """
        url = f"{self._base_url}/v1/routes/{quote(tenant, safe='')}"
        if generation is not None:
            url += f"?generation={generation}"
        try:
            async with self._session.get(url, timeout=self._timeout) as response:
                if response.status == 404:
                    return None
                if response.status != 200:
                    raise RegistryError(f"registry answered {response.status}")
                body = await response.read()
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise RegistryError(f"registry unreachable: {exc!r}") from exc
        try:
            return RouteTable.model_validate_json(body)
        except ValidationError as exc:
            raise RegistryError("registry answered an unreadable route table") from exc

    async def changes(self, after: int | None) -> Changes:
        """Return the generation and the tenants changed after ``after`` (None: none)."""
        url = f"{self._base_url}/v1/changes"
        if after is not None:
            url += f"?after={after}"
        try:
            async with self._session.get(url, timeout=self._timeout) as response:
                if response.status != 200:
                    raise RegistryError(f"registry answered {response.status}")
                body = await response.read()
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise RegistryError(f"registry unreachable: {exc!r}") from exc
        try:
            return Changes.model_validate_json(body)
        except ValidationError as exc:
            raise RegistryError("registry answered an unreadable change list") from exc

    async def reachable(self) -> bool:
        """Return True if the registry answers HTTP at all."""
        try:
            async with self._session.get(
                f"{self._base_url}/v1/routes/_", timeout=self._timeout
            ) as response:
                return response.status < 500
        except (TimeoutError, aiohttp.ClientError, OSError):
            return False
