"""Throw-away PostgreSQL databases for tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator

# The server's maintenance database; tests create and drop theirs through it.
PG_ADMIN = os.environ.get("DAZZLER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

_PREFIX = re.compile(r"[a-z_][a-z0-9_]{0,40}")


@contextlib.contextmanager
def scratch_database(prefix: str, *, pg_admin: str = PG_ADMIN) -> Iterator[str]:
    """Create database ``<prefix>_<random>``, give its URL (``postgresql://...``) and drop
    it afterwards, also when connections to it are still open.

    The random suffix keeps concurrent runs (pytest-xdist workers, two checkouts) apart.
    Raise ValueError if ``prefix`` is not a lower-case SQL identifier.
    """
    import psycopg
    from psycopg import sql

    if not _PREFIX.fullmatch(prefix):
        raise ValueError(
            f"database prefix {prefix!r}: use lower-case letters, digits and _ (41 at most)"
        )
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield pg_admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(pg_admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
