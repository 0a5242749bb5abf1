"""Every migration is reversible, on PostgreSQL and on the embedded SQLite default."""

from __future__ import annotations

import pytest
from registry import migrate as migrations
from registry.database import make_engine
from sqlalchemy import inspect

pytestmark = pytest.mark.integration

TABLES = {"tenants", "board_grants", "audit_log", "admin_tokens", "tenant_changes", "monitors"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_downgrade_base_then_upgrade_head(backend, scratch_database_url, tmp_path):
    url = scratch_database_url if backend == "postgresql" else f"sqlite:///{tmp_path}/r.sqlite3"

    migrations.upgrade(url)
    assert _tables(url) == TABLES
    migrations.downgrade(url, "base")
    assert _tables(url) == set()
    migrations.upgrade(url)
    assert _tables(url) == TABLES


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_monitors_migration_goes_down_alone_and_back(backend, scratch_database_url, tmp_path):
    url = scratch_database_url if backend == "postgresql" else f"sqlite:///{tmp_path}/r.sqlite3"
    migrations.upgrade(url)

    migrations.downgrade(url, "0002")
    assert "monitors" not in _tables(url)
    assert {"tenants", "board_grants"} <= _tables(url)
    migrations.upgrade(url)
    assert "monitors" in _tables(url)
