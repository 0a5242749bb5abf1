"""The QL read endpoints' semantics and response shapes, over a store."""

from __future__ import annotations

from typing import Any

from sim.ql.aggregation import aggregate, check_aggregable
from sim.ql.dialect import Dialect
from sim.ql.errors import NoRecords, ambiguous_id
from sim.ql.model import Column, Row, Table
from sim.ql.params import QueryParams
from sim.ql.selection import Scope, group_by_entity, page_rows, resolve_columns
from sim.ql.store import MemoryStore
from sim.ql.timeformat import format_bound, format_index

Json = dict[str, Any]


class Views:
    """Answers QL queries in one dialect; raises `NoRecords` when nothing matches."""

    def __init__(self, store: MemoryStore, dialect: Dialect) -> None:
        self.store = store
        self.dialect = dialect

    # -- helpers ---------------------------------------------------------------------

    def _series(
        self, rows: list[Row], columns: list[tuple[str, Column]], params: QueryParams
    ) -> tuple[list[str] | None, dict[str, list[Any]]]:
        if params.aggr_method:
            check_aggregable(params.aggr_method, columns)
            return aggregate(rows, columns, params)
        index = [format_index(r.time_index) for r in rows]
        return index, {key: [r.values.get(key) for r in rows] for key, _ in columns}

    def _entity_table(self, scope: Scope, entity_id: str, entity_type: str | None) -> Table:
        tables = [
            t
            for t in self.store.tables(scope.tenant)
            if (entity_type is None or t.entity_type == entity_type)
            and any(r.entity_id == entity_id for r in t.rows)
        ]
        if not tables:
            raise NoRecords
        if len(tables) > 1:
            raise ambiguous_id(entity_id)
        return tables[0]

    def _entity_rows(self, scope: Scope, table: Table, entity_id: str, p: QueryParams) -> list[Row]:
        rows = page_rows(scope.filter(table.rows, p, [entity_id]), p)
        if not rows:
            raise NoRecords
        return rows

    @staticmethod
    def _attributes(columns: list[tuple[str, Column]], values: dict[str, list[Any]]) -> list[Json]:
        return [{"attrName": col.name, "values": values[key]} for key, col in columns]

    # -- /v2/entities ----------------------------------------------------------------

    def list_entities(self, scope: Scope, p: QueryParams) -> list[Json]:
        newest: dict[tuple[str, str], Row] = {}
        for table in self.store.tables(scope.tenant):
            if p.entity_type is not None and table.entity_type != p.entity_type:
                continue
            for row in scope.filter(table.rows, p):
                key = (row.entity_type, row.entity_id)
                if key not in newest or row.time_index >= newest[key].time_index:
                    newest[key] = row
        ordered = sorted(
            newest.values(), key=lambda r: (-r.time_index.timestamp(), r.entity_type, r.entity_id)
        )
        page = ordered[p.offset : p.offset + p.limit]
        if not page:
            raise NoRecords
        # QL pages by newest time, then re-sorts each page by id.
        page.sort(key=lambda r: r.entity_id)
        d = self.dialect
        return [
            {d.id_key: r.entity_id, d.type_key: r.entity_type, "index": format_index(r.time_index)}
            for r in page
        ]

    def entity(self, scope: Scope, entity_id: str, p: QueryParams, *, value: bool) -> Json:
        table = self._entity_table(scope, entity_id, p.entity_type)
        columns = resolve_columns(table, p.attrs)
        if not columns:
            raise NoRecords
        rows = self._entity_rows(scope, table, entity_id, p)
        index, values = self._series(rows, columns, p)
        body: Json = {"index": index or [], "attributes": self._attributes(columns, values)}
        if not value:
            body[self.dialect.id_key] = entity_id
            body[self.dialect.type_key] = table.entity_type
        return body

    def entity_attr(
        self, scope: Scope, entity_id: str, attr: str, p: QueryParams, *, value: bool
    ) -> Json:
        table = self._entity_table(scope, entity_id, p.entity_type)
        columns = resolve_columns(table, [attr])
        if not columns:
            raise NoRecords
        rows = self._entity_rows(scope, table, entity_id, p)
        index, values = self._series(rows, columns, p)
        body: Json = {"index": index or [], "values": values[columns[0][0]]}
        if not value:
            body.update(
                {
                    "attrName": attr,
                    self.dialect.id_key: entity_id,
                    self.dialect.type_key: table.entity_type,
                }
            )
        return body

    # -- /v2/types -------------------------------------------------------------------

    def _type_entities(
        self,
        scope: Scope,
        table: Table,
        p: QueryParams,
        attrs: list[str] | None,
        *,
        single: bool,
        id_order: list[str] | None = None,
    ) -> list[Json]:
        columns = resolve_columns(table, attrs)
        if not columns:
            return []
        selected = scope.filter(table.rows, p, p.ids)
        rows = selected if p.aggr_method else page_rows(selected, p)
        entities = []
        for entity_id, entity_rows in group_by_entity(rows, id_order).items():
            index, values = self._series(entity_rows, columns, p)
            item: Json = {self.dialect.id_key: entity_id}
            if single:
                item["values"] = values[columns[0][0]]
            else:
                item["attributes"] = self._attributes(columns, values)
            item["index"] = index if index is not None else self._aggregate_bounds(p)
            entities.append(item)
        return entities

    @staticmethod
    def _aggregate_bounds(p: QueryParams) -> list[str]:
        return [format_bound(p.from_date), format_bound(p.to_date)]

    def entity_type(self, scope: Scope, entity_type: str, p: QueryParams, *, value: bool) -> Json:
        table = self.store.table(scope.tenant, entity_type)
        entities = self._type_entities(scope, table, p, p.attrs, single=False) if table else []
        if not entities:
            raise NoRecords
        if value:
            return {"values": entities}
        return {self.dialect.type_key: entity_type, "entities": entities}

    def type_attr(
        self, scope: Scope, entity_type: str, attr: str, p: QueryParams, *, value: bool
    ) -> Json:
        table = self.store.table(scope.tenant, entity_type)
        entities = (
            self._type_entities(scope, table, p, [attr], single=True, id_order=p.ids)
            if table
            else []
        )
        if not entities:
            raise NoRecords
        if p.aggr_method and p.aggr_period is None:
            # Without an id list QL gives no index here; with one, the dates as sent.
            bounds = [p.from_raw or "", p.to_raw or ""] if p.ids else []
            for item in entities:
                item["index"] = bounds
        if value:
            return {"values": entities}
        return {self.dialect.type_key: entity_type, "attrName": attr, "entities": entities}

    # -- /v2/attrs -------------------------------------------------------------------

    def _attr_types(self, scope: Scope, attr: str, p: QueryParams) -> list[Json]:
        types = []
        for table in self.store.tables(scope.tenant):
            if p.entity_type is not None and table.entity_type != p.entity_type:
                continue
            if attr.lower() not in table.columns:
                continue
            entities = self._type_entities(scope, table, p, [attr], single=True)
            if entities:
                types.append({self.dialect.type_key: table.entity_type, "entities": entities})
        return types

    def attr(self, scope: Scope, attr: str, p: QueryParams, *, value: bool) -> Json:
        types = self._attr_types(scope, attr, p)
        if not types:
            raise NoRecords
        return {"values": types} if value else {"attrName": attr, "types": types}

    def attrs(self, scope: Scope, p: QueryParams, *, value: bool) -> Json:
        names: dict[str, str] = {}
        wanted = {a.lower() for a in p.attrs} if p.attrs else None
        for table in self.store.tables(scope.tenant):
            if p.entity_type is not None and table.entity_type != p.entity_type:
                continue
            for key, col in resolve_columns(table, None):
                if (wanted is None or key in wanted) and key not in names:
                    names[key] = col.name
        found = []
        for name in names.values():
            types = self._attr_types(scope, name, p)
            if types:
                found.append({"attrName": name, "types": types})
        if not found:
            raise NoRecords
        return {"values": found} if value else {"attrs": found}
