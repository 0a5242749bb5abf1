"""Orion's tenant and service-path header rules (§2.1 of the API reference)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import Request

from sim.orion.errors import bad_request

_TENANT = re.compile(r"^[A-Za-z0-9_]*$")
_PATH_COMPONENT = re.compile(r"^[A-Za-z0-9_]+$")
MAX_TENANT = 50
MAX_LEVELS = 10
MAX_COMPONENT = 50
MAX_PATHS = 10


def tenant_of(request: Request) -> str:
    """The lower-cased `Fiware-Service` ("" for the default tenant), validated."""
    tenant = request.headers.get("fiware-service", "")
    if len(tenant) > MAX_TENANT:
        raise bad_request("bad length - a tenant name can be max 50 characters long")
    if not _TENANT.match(tenant):
        raise bad_request(
            "bad character in tenant name - only underscore and alphanumeric characters are allowed"
        )
    return tenant.lower()


def _check_path(path: str) -> str:
    if not path.startswith("/"):
        raise bad_request(
            "Only /absolute/ Service Paths allowed [a service path must begin with /]"
        )
    if path != "/":
        path = path.rstrip("/") or "/"
    components = [c for c in path.split("/") if c]
    if components and components[-1] == "#":
        components = components[:-1]
    if len(components) > MAX_LEVELS:
        raise bad_request("too many components in ServicePath")
    for component in components:
        if len(component) > MAX_COMPONENT:
            raise bad_request("component-name too long in ServicePath")
        if not _PATH_COMPONENT.match(component):
            raise bad_request("a component of ServicePath contains an illegal character")
    return path


def query_paths(request: Request) -> list[str]:
    """Service paths a query covers; no header means the whole tree (``/#``)."""
    raw = request.headers.get("fiware-servicepath")
    if raw is None or not raw.strip():
        return ["/#"]
    paths = [p.strip() for p in raw.split(",")]
    if len(paths) > MAX_PATHS:
        raise bad_request("too many service paths - a maximum of ten service paths is allowed")
    return [_check_path(p) for p in paths]


def update_path(request: Request) -> str:
    """The one service path an update writes to; no header means ``/``."""
    raw = request.headers.get("fiware-servicepath")
    if raw is None or not raw.strip():
        return "/"
    if "," in raw:
        raise bad_request("more than one service path in context update request")
    path = _check_path(raw.strip())
    if path.endswith("#"):
        raise bad_request("a service path for an update must not use the # wildcard")
    return path


def subscription_path(request: Request) -> str:
    """A subscription's scope; created without the header it watches the whole tree."""
    raw = request.headers.get("fiware-servicepath")
    if raw is None or not raw.strip():
        return "/#"
    if "," in raw:
        raise bad_request("more than one service path in subscription request")
    return _check_path(raw.strip())


def path_matches(pattern: str, entity_path: str) -> bool:
    """Exact match, or the subtree for a pattern ending in ``/#``."""
    if pattern == "/#":
        return True
    if pattern.endswith("/#"):
        base = pattern[:-2]
        return entity_path == base or entity_path.startswith(base + "/")
    return pattern == entity_path


@dataclass(frozen=True, slots=True)
class QueryScope:
    """A read request's tenant and service paths."""

    tenant: str
    paths: list[str]

    def covers(self, entity_path: str) -> bool:
        return any(path_matches(p, entity_path) for p in self.paths)


def query_scope(request: Request) -> QueryScope:
    return QueryScope(tenant=tenant_of(request), paths=query_paths(request))
