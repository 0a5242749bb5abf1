"""Constrained types shared by the request schemas; the naming rules come from tenant_context."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from tenant_context import (
    BOARD_CATALOGUE,
    BOARD_SLUG_RE,
    MONITOR_BOARD,
    TENANT_SLUG_RE,
    validate_board_slug,
    validate_service_path,
    validate_tenant_slug,
)

Theme = Literal["light", "dark"]

# The catalogue boards a plain grant can name; monitors are granted with their spec.
GRANTABLE_BOARDS = tuple(sorted(slug for slug in BOARD_CATALOGUE if slug != MONITOR_BOARD))


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _validate_timezone(value: str) -> str:
    if value not in _known_timezones():
        raise ValueError(f"unknown IANA time zone {value[:60]!r}")
    return value


def _timezone_enum(schema: dict[str, Any]) -> None:
    # Filled in when the OpenAPI document is built, not at import.
    schema["enum"] = sorted(_known_timezones())


def _validate_fiware_service(value: str) -> str:
    # Orion lower-cases the service and QL folds case, so the stored form is lower-case.
    return validate_tenant_slug(value).lower()


def _validate_mount_path(value: str) -> str:
    return value if value == "" else validate_board_slug(value)


def _validate_catalogue_board(value: str) -> str:
    if value == MONITOR_BOARD:
        # Each monitor needs its spec, so monitors have their own endpoints.
        raise ValueError("monitors are added under /v1/admin/tenants/{tenant}/monitors")
    if value not in BOARD_CATALOGUE:
        known = ", ".join(sorted(GRANTABLE_BOARDS))
        raise ValueError(f"unknown board {value[:60]!r}; the catalogue has: {known}")
    return value


TenantSlug = Annotated[
    str,
    Field(
        description="1 to 50 of A-Z a-z 0-9 _; unique regardless of case.",
        examples=["acme"],
        pattern=TENANT_SLUG_RE.pattern,
    ),
    AfterValidator(validate_tenant_slug),
]
FiwareService = Annotated[
    str,
    Field(
        description="Fiware-Service sent to Orion and QL; stored lower-case.",
        pattern=TENANT_SLUG_RE.pattern,
    ),
    AfterValidator(_validate_fiware_service),
]
ServicePath = Annotated[
    str,
    Field(
        description="Absolute Fiware-ServicePath; a trailing slash is removed.",
        examples=["/"],
        pattern=r"^(/|(/[A-Za-z0-9_]{1,50}){1,10}/?)$",
    ),
    AfterValidator(validate_service_path),
]
Timezone = Annotated[
    str,
    Field(
        description="IANA time zone name.",
        examples=["Europe/Rome"],
        json_schema_extra=_timezone_enum,
    ),
    AfterValidator(_validate_timezone),
]
BoardSlug = Annotated[
    str,
    Field(
        description="A board of the catalogue.",
        examples=["roughnator"],
        json_schema_extra={"enum": list(GRANTABLE_BOARDS)},
    ),
    AfterValidator(_validate_catalogue_board),
]
MountPath = Annotated[
    str,
    Field(
        description="Path segment under the tenant; empty mounts the board at the tenant's home.",
        examples=["roughnator"],
        pattern=f"^$|{BOARD_SLUG_RE.pattern}",
    ),
    AfterValidator(_validate_mount_path),
]
DisplayName = Annotated[str, Field(min_length=1, max_length=200)]
