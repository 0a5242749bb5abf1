"""QuantumLeap clients, sync and async: every method is written once, over ``_ql_plans``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from ngsi import _ql_plans as plans
from ngsi._client_method import AsyncRunner, ClientMethod, H, PlanRunner, SyncRunner
from ngsi._context import FiwareContext
from ngsi._models import EntitySeries, EntitySummary, Health
from ngsi._ql_query import QL_MAX_LIMIT, SeriesQuery
from ngsi._transport import Plan


class _QuantumLeapMethods(PlanRunner[H]):
    def __init__(
        self,
        http: H,
        *,
        max_attempts: int = 3,
        backoff: float = 0.2,
        page_size: int = QL_MAX_LIMIT,
    ) -> None:
        if not 1 <= page_size <= QL_MAX_LIMIT:
            raise ValueError(f"page_size must be between 1 and {QL_MAX_LIMIT}")
        super().__init__(http, max_attempts=max_attempts, backoff=backoff)
        self._page_size = page_size

    @ClientMethod
    def version(self, ctx: FiwareContext | None = None) -> Plan[str]:
        """QL's version string (``"1.0.0"``, ``"1.0.1-dev"``)."""
        return plans.version(ctx or FiwareContext())

    @ClientMethod
    def health(self, ctx: FiwareContext | None = None) -> Plan[Health]:
        """QL's health; a failing QL (HTTP 503) gives ``Health(status="fail")``."""
        return plans.health(ctx or FiwareContext())

    @ClientMethod
    def list_entities(
        self,
        ctx: FiwareContext,
        *,
        type: str | None = None,
        id_pattern: str | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Plan[list[EntitySummary]]:
        """Entities with history (``GET /v2/entities``), each with its newest time.

        ``id_pattern`` is a regex QL matches case-insensitively anywhere in the id.
        """
        return plans.list_entities(
            ctx,
            type=type,
            id_pattern=id_pattern,
            from_date=from_date,
            to_date=to_date,
            limit=limit,
            offset=offset,
            page_size=self._page_size,
        )

    @ClientMethod
    def entity_series(
        self,
        ctx: FiwareContext,
        entity_id: str,
        *,
        type: str,
        attrs: Sequence[str] | None = None,
        last_n: int | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
        aggr_method: str | None = None,
        aggr_period: str | None = None,
    ) -> Plan[EntitySeries]:
        """One entity's history, all attributes or ``attrs`` (``GET /v2/entities/{id}``).

        ``aggr_method`` (count, sum, avg, min, max) needs ``attrs``; ``aggr_period``
        (year … second) needs ``aggr_method``. Dates must be timezone-aware.
        """
        query = SeriesQuery(
            attrs, last_n, from_date, to_date, limit, offset, aggr_method, aggr_period
        )
        return plans.entity_series(
            ctx, entity_id, type=type, query=query, page_size=self._page_size
        )

    @ClientMethod
    def attr_series(
        self,
        ctx: FiwareContext,
        entity_id: str,
        attr: str,
        *,
        type: str,
        last_n: int | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
        aggr_method: str | None = None,
        aggr_period: str | None = None,
    ) -> Plan[EntitySeries]:
        """One attribute of one entity (``GET /v2/entities/{id}/attrs/{attr}``)."""
        query = SeriesQuery(
            None, last_n, from_date, to_date, limit, offset, aggr_method, aggr_period, True
        )
        return plans.attr_series(
            ctx, entity_id, attr, type=type, query=query, page_size=self._page_size
        )

    @ClientMethod
    def type_series(
        self,
        ctx: FiwareContext,
        entity_type: str,
        *,
        ids: Sequence[str] | None = None,
        id_pattern: str | None = None,
        attrs: Sequence[str] | None = None,
        last_n: int | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
        aggr_method: str | None = None,
        aggr_period: str | None = None,
    ) -> Plan[list[EntitySeries]]:
        """Every entity of a type (``GET /v2/types/{type}``), sorted by id.

        ``last_n`` and ``limit`` count rows across all the entities together: ``last_n=1``
        gives one row overall, not one per entity (use :meth:`last_values` for that).
        """
        query = SeriesQuery(
            attrs, last_n, from_date, to_date, limit, offset, aggr_method, aggr_period
        )
        return plans.type_series(
            ctx,
            entity_type,
            None,
            ids=ids,
            id_pattern=id_pattern,
            query=query,
            page_size=self._page_size,
        )

    @ClientMethod
    def type_attr_series(
        self,
        ctx: FiwareContext,
        entity_type: str,
        attr: str,
        *,
        ids: Sequence[str] | None = None,
        id_pattern: str | None = None,
        last_n: int | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
        aggr_method: str | None = None,
        aggr_period: str | None = None,
    ) -> Plan[list[EntitySeries]]:
        """One attribute of every entity of a type (``GET /v2/types/{type}/attrs/{attr}``)."""
        query = SeriesQuery(
            None, last_n, from_date, to_date, limit, offset, aggr_method, aggr_period, True
        )
        return plans.type_series(
            ctx,
            entity_type,
            attr,
            ids=ids,
            id_pattern=id_pattern,
            query=query,
            page_size=self._page_size,
        )

    @ClientMethod
    def last_values(
        self,
        ctx: FiwareContext,
        entities: Sequence[tuple[str, str]],
        attrs: Sequence[str] | None = None,
    ) -> Plan[list[dict[str, Any]]]:
        """The newest value of each ``(id, type)`` entity (``POST /v2/op/query``), in
        NGSI-v2 normalized form: ``{"id", "type", "<attr>": {"type", "value"}}``."""
        return plans.last_values(ctx, entities, attrs)

    @ClientMethod
    def notify(
        self,
        ctx: FiwareContext,
        entities: Sequence[Mapping[str, Any]],
        *,
        subscription_id: str | None = None,
        time_index_attribute: str | None = None,
    ) -> Plan[None]:
        """Store entities in normalized NGSI-v2 form, as Orion would (``POST /v2/notify``).

        Sent once, never retried. ``time_index_attribute`` names the attribute QL takes
        the row time from (``Fiware-TimeIndex-Attribute``); otherwise QL uses
        ``TimeInstant``, ``timestamp``, ``dateModified`` metadata, then its own clock.

        Raises:
            ValueError: an entity lacks ``id``/``type`` or has a non-normalized attribute.
        """
        return plans.notify(
            ctx,
            entities,
            subscription_id=subscription_id,
            time_index_attribute=time_index_attribute,
        )


class QuantumLeapClient(_QuantumLeapMethods[httpx.Client], SyncRunner):
    """Sync QuantumLeap client over a caller-owned ``httpx.Client``.

    The client's ``base_url`` points at QL (e.g. ``http://quantumleap:8668``). Reads are
    retried ``max_attempts`` times in all on transport errors, waiting ``backoff``
    seconds, then doubling; ``notify`` is sent once. Without ``limit``, series are
    fetched in pages of ``page_size`` rows (QL's maximum, 10 000, by default).

    Every method raises :class:`~ngsi.NgsiError` subclasses only (plus ValueError for bad
    arguments, before any request); "no data" is an empty result in both QL dialects.
    """


class AsyncQuantumLeapClient(_QuantumLeapMethods[httpx.AsyncClient], AsyncRunner):
    """Async QuantumLeap client over a caller-owned ``httpx.AsyncClient``.

    The same methods, arguments, results and errors as :class:`~ngsi.QuantumLeapClient`,
    awaited.
    """
