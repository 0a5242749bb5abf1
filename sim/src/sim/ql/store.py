"""Row storage for the QL stand-in: in memory, optionally written through to SQLite."""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from sim.ql.model import Column, Row, Table


def _sort_key(row: Row) -> tuple[datetime, int]:
    return (row.time_index, row.seq)


class MemoryStore:
    """Tenants → type tables → rows. Tenant ``""`` is QL's default (no header) tenant."""

    def __init__(self) -> None:
        self._tenants: dict[str, dict[str, Table]] = {}
        self._next_seq = 1
        self._lock = threading.Lock()

    def tables(self, tenant: str) -> list[Table]:
        """The tenant's tables, in QL's table-name order."""
        tables = self._tenants.get(tenant, {})
        return [tables[name] for name in sorted(tables, key=str.lower)]

    def table(self, tenant: str, entity_type: str) -> Table | None:
        return self._tenants.get(tenant, {}).get(entity_type)

    def insert(self, tenant: str, rows: Iterable[tuple[Row, dict[str, Column]]]) -> None:
        """Append rows; a column keeps the name and type it was first seen with."""
        with self._lock:
            for row, columns in rows:
                row.seq = self._next_seq
                self._next_seq += 1
                table = self._tenants.setdefault(tenant, {}).setdefault(
                    row.entity_type, Table(entity_type=row.entity_type)
                )
                new_columns = {k: v for k, v in columns.items() if k not in table.columns}
                table.columns.update(new_columns)
                bisect.insort(table.rows, row, key=_sort_key)
                self._persist(tenant, row, new_columns)

    def delete(self, tenant: str, entity_type: str, predicate: Callable[[Row], bool]) -> int:
        """Drop the rows of one table that match; returns how many went."""
        with self._lock:
            table = self.table(tenant, entity_type)
            if table is None:
                return 0
            gone = [row for row in table.rows if predicate(row)]
            if gone:
                table.rows = [row for row in table.rows if not predicate(row)]
                self._forget(gone)
            return len(gone)

    def drop_table(self, tenant: str, entity_type: str) -> None:
        with self._lock:
            table = self._tenants.get(tenant, {}).pop(entity_type, None)
            if table is not None:
                self._forget(table.rows)
                self._forget_table(tenant, entity_type)

    def close(self) -> None:
        """Release resources; nothing to do in memory."""

    # Persistence hooks, no-ops in memory.
    def _persist(self, tenant: str, row: Row, new_columns: dict[str, Column]) -> None:
        pass

    def _forget(self, rows: list[Row]) -> None:
        pass

    def _forget_table(self, tenant: str, entity_type: str) -> None:
        pass


_SCHEMA = """
create table if not exists ql_rows (
    seq integer primary key, tenant text not null, entity_type text not null,
    entity_id text not null, service_path text not null, time_index text not null,
    row_values text not null);
create table if not exists ql_columns (
    tenant text not null, entity_type text not null, col text not null,
    name text not null, ngsi_type text not null,
    primary key (tenant, entity_type, col));
"""


class SqliteStore(MemoryStore):
    """A memory store that survives restarts: every write goes to a SQLite file too."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=normal")
        self._db.executescript(_SCHEMA)
        self._load()

    def insert(self, tenant: str, rows: Iterable[tuple[Row, dict[str, Column]]]) -> None:
        # One transaction per notification, not per row.
        self._db.execute("begin")
        try:
            super().insert(tenant, rows)
        except BaseException:
            self._db.execute("rollback")
            raise
        self._db.execute("commit")

    def _load(self) -> None:
        for tenant, entity_type, col, name, ngsi_type in self._db.execute(
            "select tenant, entity_type, col, name, ngsi_type from ql_columns"
        ):
            table = self._tenants.setdefault(tenant, {}).setdefault(
                entity_type, Table(entity_type=entity_type)
            )
            table.columns[col] = Column(name=name, ngsi_type=ngsi_type)
        for seq, tenant, entity_type, entity_id, path, time_text, values in self._db.execute(
            "select seq, tenant, entity_type, entity_id, service_path, time_index, row_values "
            "from ql_rows order by seq"
        ):
            row = Row(
                entity_id=entity_id,
                entity_type=entity_type,
                service_path=path,
                time_index=datetime.fromisoformat(time_text),
                values=json.loads(values),
                seq=seq,
            )
            table = self._tenants.setdefault(tenant, {}).setdefault(
                entity_type, Table(entity_type=entity_type)
            )
            bisect.insort(table.rows, row, key=_sort_key)
            self._next_seq = max(self._next_seq, seq + 1)

    def _persist(self, tenant: str, row: Row, new_columns: dict[str, Column]) -> None:
        self._db.execute(
            "insert into ql_rows values (?, ?, ?, ?, ?, ?, ?)",
            (
                row.seq,
                tenant,
                row.entity_type,
                row.entity_id,
                row.service_path,
                row.time_index.isoformat(),
                json.dumps(row.values),
            ),
        )
        self._db.executemany(
            "insert or ignore into ql_columns values (?, ?, ?, ?, ?)",
            [(tenant, row.entity_type, k, c.name, c.ngsi_type) for k, c in new_columns.items()],
        )

    def _forget(self, rows: list[Row]) -> None:
        self._db.executemany("delete from ql_rows where seq = ?", [(r.seq,) for r in rows])

    def _forget_table(self, tenant: str, entity_type: str) -> None:
        self._db.execute(
            "delete from ql_columns where tenant = ? and entity_type = ?", (tenant, entity_type)
        )

    def close(self) -> None:
        self._db.close()


def open_store(spec: str) -> MemoryStore:
    """``memory`` or ``sqlite:PATH``."""
    if spec == "memory":
        return MemoryStore()
    if spec.startswith("sqlite:") and len(spec) > len("sqlite:"):
        return SqliteStore(spec.removeprefix("sqlite:"))
    raise ValueError(f"store must be 'memory' or 'sqlite:PATH', not {spec!r}")
