"""Domain exceptions; ``http_errors`` turns each into one status code and a stable body.

RegistryError
├── NotFound ── TenantNotFound, GrantNotFound, MonitorNotFound, RouteNotFound
├── Conflict ── SlugConflict, MountPathConflict, BoardAlreadyGranted
├── Unauthorized ── the admin bearer token is missing, unknown or revoked
└── TokenNameTaken ── ``tokens create`` with a name already in use
"""

from __future__ import annotations


class RegistryError(Exception):
    """Base of every error the registry raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(RegistryError):
    """The thing named in the request does not exist."""


class TenantNotFound(NotFound):
    """No tenant has this slug (admin API)."""


class GrantNotFound(NotFound):
    """The tenant has not been granted this board (admin API)."""


class MonitorNotFound(NotFound):
    """The tenant has no monitor with this slug (admin API)."""


class RouteNotFound(NotFound):
    """Read API: unknown or disabled tenant, or no board at this path; deliberately vague."""

    def __init__(self) -> None:
        super().__init__("Not found")


class Conflict(RegistryError):
    """The write would break a uniqueness rule."""


class SlugConflict(Conflict):
    """Another tenant has the same slug, compared without case."""


class MountPathConflict(Conflict):
    """Another board of the tenant is mounted at the same path."""


class BoardAlreadyGranted(Conflict):
    """The tenant already has this board; update the grant instead."""


class TokenNameTaken(Conflict):
    """An admin token with this name exists already."""


class Unauthorized(RegistryError):
    """The admin API was called without a valid bearer token."""
