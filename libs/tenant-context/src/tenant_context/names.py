"""Naming rules shared by the registry, the gateway and the boards.

Tenant slugs follow Orion's rule for ``Fiware-Service`` (alphanumerics and ``_``, at most
50 characters); QL lower-cases tenants, so two slugs differing only in case are one tenant.
Service paths follow Orion's rule: absolute, at most 10 levels of at most 50 characters.
"""

from __future__ import annotations

import re

TENANT_SLUG_RE = re.compile(r"^[A-Za-z0-9_]{1,50}$")
BOARD_SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$")
_SERVICE_PATH_LEVEL_RE = re.compile(r"^[A-Za-z0-9_]{1,50}$")


class InvalidName(ValueError):
    """A tenant slug, board slug or service path breaks its naming rule."""


def validate_tenant_slug(value: str) -> str:
    """Return ``value`` unchanged if it is a valid tenant slug, else raise InvalidName."""
    if not TENANT_SLUG_RE.fullmatch(value):
        raise InvalidName(
            f"tenant must be 1 to 50 characters of A-Z, a-z, 0-9 or _ (got {value[:60]!r})"
        )
    return value


def validate_board_slug(value: str) -> str:
    """Return ``value`` if it is a valid board slug (lower-case words joined by ``-``)."""
    if not BOARD_SLUG_RE.fullmatch(value):
        raise InvalidName(
            "board must be 1 to 50 characters of a-z, 0-9 or -, not starting or ending "
            f"with - (got {value[:60]!r})"
        )
    return value


def validate_service_path(value: str) -> str:
    """Return the service path normalised, or raise InvalidName.

    Orion discards a trailing slash but QL matches nothing with one, so it is removed
    here once rather than sent on.
    """
    if value == "/":
        return value
    if not value.startswith("/"):
        raise InvalidName(f"service path must start with / (got {value[:60]!r})")
    levels = value.rstrip("/").split("/")[1:]
    if len(levels) > 10:
        raise InvalidName("service path may have at most 10 levels")
    for level in levels:
        if not _SERVICE_PATH_LEVEL_RE.fullmatch(level):
            raise InvalidName(
                "each service path level must be 1 to 50 characters of A-Z, a-z, 0-9 or _ "
                f"(got {value[:60]!r})"
            )
    return "/" + "/".join(levels)
