"""A tenant's routes as the registry gives them, and which grant a path selects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gateway.paths import BoardPath, Redirect


class TenantInfo(BaseModel):
    """The tenant part of ``GET /v1/routes/{tenant}``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    slug: str
    display_name: str
    fiware_service: str
    service_path: str = "/"
    timezone: str = "UTC"
    theme: str = "light"


class Grant(BaseModel):
    """One board the tenant may see, and where it is mounted."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    board: str
    mount_path: str
    title: str = ""
    description: str = ""
    service_path: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)


class RouteTable(BaseModel):
    """Everything the gateway needs to route one tenant's requests."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    tenant: TenantInfo
    boards: tuple[Grant, ...] = ()

    def grant_at(self, mount_path: str) -> Grant | None:
        """Return the grant mounted at ``mount_path`` (``""`` is the tenant's home)."""
        for grant in self.boards:
            if grant.mount_path == mount_path:
                return grant
        return None


@dataclass(frozen=True, slots=True)
class Match:
    """A request that goes to ``grant``: the public prefix it has and the path it keeps."""

    grant: Grant
    prefix: str
    upstream_path: bytes


@dataclass(frozen=True, slots=True)
class Landing:
    """The tenant's home with no board mounted there: the gateway lists the boards."""


# A board's operations endpoints answer the gateway's network, not browsers: /metrics
# names tenants. Orion's notifications reach each board replica directly.
_OPERATIONS = frozenset({b"/metrics", b"/healthz", b"/readyz"})
_NOTIFICATIONS = b"/_dazzler-notify/"
# What every Dash board serves at its root besides its page. Mount paths never start
# with "_", so these cannot hide a board.
_DASH_PATHS = frozenset({"assets"})


def _home_serves(first: str) -> bool:
    """Whether a board mounted at the tenant's home serves paths starting ``first`` (a
    board serves nothing of its own besides its page and Dash's paths)."""
    return first.startswith("_") or first in _DASH_PATHS


def select(table: RouteTable, path: BoardPath) -> Match | Redirect | Landing | None:
    """Pick the grant for ``path``; None when nothing of this tenant is served there."""
    selected = _select(table, path)
    if isinstance(selected, Match) and (
        selected.upstream_path in _OPERATIONS or selected.upstream_path.startswith(_NOTIFICATIONS)
    ):
        return None
    return selected


def _select(table: RouteTable, path: BoardPath) -> Match | Redirect | Landing | None:
    segments = path.segments
    if segments:
        first = segments[0]
        grant = table.grant_at(first.text) if first.text else None
        if grant is not None:
            prefix = f"{path.home_prefix}/{first.raw.decode('latin-1')}"
            if len(segments) == 1:
                return Redirect(prefix + "/")
            rest = b"/" + b"/".join(s.raw for s in segments[1:])
            return Match(grant, prefix, rest)
    home = table.grant_at("")
    if home is not None and (not segments or _home_serves(segments[0].text)):
        rest = b"/" + b"/".join(s.raw for s in segments)
        return Match(home, path.home_prefix, rest)
    if not segments:
        return Landing()
    return None
