"""A tenant's poll interval: its board setting when it is a positive number, else the
default."""

from __future__ import annotations

from typing import Any

import pytest
from boardkit import tenant_refresh_seconds
from tenant_context import TenantContext


def _context(settings: dict[str, Any]) -> TenantContext:
    return TenantContext(
        tenant="acme",
        display_name="Acme",
        fiware_service="acme",
        board="fams",
        public_prefix="/dazzler/acme/-/fams/",
        settings=settings,
    )


def test_the_tenants_setting_wins() -> None:
    assert tenant_refresh_seconds(_context({"refresh_seconds": 2}), 30.0) == 2.0
    assert tenant_refresh_seconds(_context({}), 30.0) == 30.0


@pytest.mark.parametrize("value", ["soon", None, 0, -5, [1]])
def test_a_setting_that_is_not_a_positive_number_falls_back(value: Any) -> None:
    assert tenant_refresh_seconds(_context({"refresh_seconds": value}), 30.0) == 30.0
