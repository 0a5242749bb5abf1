"""Alembic environment: run by ``registry.migrate`` with the URL in ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from registry.database import make_engine
from registry.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.attributes["database_url"])
    try:
        with engine.connect() as fresh:
            _run(fresh)
    finally:
        engine.dispose()


run_migrations_online()
