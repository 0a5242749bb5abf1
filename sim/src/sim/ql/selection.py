"""Which rows a QL query sees: tenant tables, service paths, ids, dates and row paging."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sim.ql.model import Column, Row, Table
from sim.ql.params import QueryParams


def service_path_matcher(service_path: str) -> re.Pattern[str]:
    """QL's ``~* '<path>($|/.*)'``: case-insensitive, unanchored, `/` matches all.

    A trailing slash is not normalised, so ``/plant1/`` matches nothing real, and a
    comma list never matches.
    """
    if service_path == "/":
        return re.compile("/.*", re.IGNORECASE)
    return re.compile(re.escape(service_path) + "($|/.*)", re.IGNORECASE)


def id_pattern_matcher(pattern: str) -> re.Pattern[str] | None:
    """QL's ``entity_id ~* '<pattern>($|.*)'``: a case-insensitive *contains* match."""
    try:
        return re.compile(f"(?:{pattern})($|.*)", re.IGNORECASE)
    except re.error:
        return None


@dataclass(frozen=True, slots=True)
class Scope:
    """The request's tenant and service path."""

    tenant: str
    service_path: str

    def filter(
        self,
        rows: Iterable[Row],
        params: QueryParams,
        entity_ids: Iterable[str] | None = None,
    ) -> list[Row]:
        """Rows in this scope that pass the id, idPattern and date filters, in time order."""
        path = service_path_matcher(self.service_path)
        wanted = set(entity_ids) if entity_ids is not None else None
        pattern = id_pattern_matcher(params.id_pattern) if params.id_pattern else None
        if params.id_pattern and pattern is None:
            return []
        selected = []
        for row in rows:
            if wanted is not None and row.entity_id not in wanted:
                continue
            if pattern is not None and not pattern.search(row.entity_id):
                continue
            if params.from_date is not None and row.time_index < params.from_date:
                continue
            if params.to_date is not None and row.time_index > params.to_date:
                continue
            if not path.search(row.service_path):
                continue
            selected.append(row)
        return selected


def page_rows(rows: list[Row], params: QueryParams) -> list[Row]:
    """Row-based `lastN`/`limit`/`offset` over one table, returned in ascending time.

    Like QL's SQL: ``ORDER BY time_index DESC LIMIT min(lastN, limit)`` then reversed
    when `lastN` is given, else ``ORDER BY time_index ASC LIMIT limit OFFSET offset``.
    """
    if params.last_n is not None:
        count = min(params.last_n, params.limit)
        newest_first = sorted(rows, key=lambda r: (r.time_index, -r.seq), reverse=True)
        taken = newest_first[params.offset : params.offset + count]
        return sorted(taken, key=lambda r: (r.time_index, r.seq))
    return rows[params.offset : params.offset + params.limit]


def group_by_entity(rows: Iterable[Row], order: list[str] | None = None) -> dict[str, list[Row]]:
    """Rows per entity id, ids sorted (or in the given order first)."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.entity_id, []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: (r.time_index, r.seq))

    def rank(entity_id: str) -> tuple[int, str]:
        if order and entity_id in order:
            return (order.index(entity_id), "")
        return (len(order or ()), entity_id)

    return {entity_id: groups[entity_id] for entity_id in sorted(groups, key=rank)}


def resolve_columns(table: Table, requested: list[str] | None) -> list[tuple[str, Column]]:
    """The attribute columns to show, sorted by original name; requests match any case."""
    if requested is None:
        chosen = list(table.columns.items())
    else:
        lowered = {name.lower() for name in requested}
        chosen = [(key, col) for key, col in table.columns.items() if key in lowered]
    return sorted(chosen, key=lambda item: item[1].name)
