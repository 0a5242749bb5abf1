"""The per-call tenant context: which FIWARE service and service path a call is about."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from tenant_context import validate_service_path, validate_tenant_slug

SERVICE_HEADER = "Fiware-Service"
SERVICE_PATH_HEADER = "Fiware-ServicePath"
# Orion's subtree marker; QL treats every path as a prefix already and has no use for it.
_SUBTREE = "/#"
_RESERVED_HEADERS = frozenset({SERVICE_HEADER.lower(), SERVICE_PATH_HEADER.lower()})


@dataclass(frozen=True)
class FiwareContext:
    """Tenant, service path and extra headers for one call; validated on construction.

    Args:
        service: the ``Fiware-Service`` (tenant), ``[A-Za-z0-9_]{1,50}`` as Orion requires.
            ``None`` means the default tenant: the header is not sent.
        service_path: the ``Fiware-ServicePath``: absolute, at most 10 levels of
            ``[A-Za-z0-9_]{1,50}``. A trailing slash is removed (QL would match nothing
            with it). Orion only: a final ``/#`` asks for the whole subtree. Note that
            ``/`` is every path to QL but only the root path to Orion queries.
        headers: extra headers sent with every request, e.g. ``X-Auth-Token``. They may
            not set ``Fiware-Service`` or ``Fiware-ServicePath``.
        timeout: seconds for this call, overriding the HTTP client's timeout; ``None``
            keeps the client's.

    Raises:
        ValueError: a name breaks Orion's rules, or the headers or timeout are invalid.
    """

    service: str | None = None
    service_path: str = "/"
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float | None = None

    def __post_init__(self) -> None:
        if self.service is not None:
            validate_tenant_slug(self.service)
        object.__setattr__(self, "service_path", _normalise_service_path(self.service_path))
        for name, value in self.headers.items():
            if name.lower() in _RESERVED_HEADERS:
                raise ValueError(f"set {name} through FiwareContext fields, not headers")
            if not isinstance(value, str):
                raise ValueError(f"header {name} must be a string (got {type(value).__name__})")
        object.__setattr__(self, "headers", MappingProxyType(dict(self.headers)))
        if self.timeout is not None and not (math.isfinite(self.timeout) and self.timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds (got {self.timeout})")

    def http_headers(self) -> dict[str, str]:
        """The headers this context adds to a request."""
        result = dict(self.headers)
        if self.service is not None:
            result[SERVICE_HEADER] = self.service
        result[SERVICE_PATH_HEADER] = self.service_path
        return result


def _normalise_service_path(value: str) -> str:
    if value == _SUBTREE:
        return value
    if value.endswith(_SUBTREE):
        return validate_service_path(value[: -len(_SUBTREE)]) + _SUBTREE
    return validate_service_path(value)
