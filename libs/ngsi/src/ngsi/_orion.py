"""Orion clients, sync and async: every method is written once, over ``_orion_plans``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ngsi import _orion_plans as plans
from ngsi._client_method import AsyncRunner, ClientMethod, H, PlanRunner, SyncRunner
from ngsi._context import FiwareContext
from ngsi._transport import Plan


class _OrionMethods(PlanRunner[H]):
    def __init__(
        self,
        http: H,
        *,
        max_attempts: int = 3,
        backoff: float = 0.2,
        page_size: int = plans.ORION_MAX_LIMIT,
    ) -> None:
        if not 1 <= page_size <= plans.ORION_MAX_LIMIT:
            raise ValueError(f"page_size must be between 1 and {plans.ORION_MAX_LIMIT}")
        super().__init__(http, max_attempts=max_attempts, backoff=backoff)
        self._page_size = page_size

    @ClientMethod
    def version(self, ctx: FiwareContext | None = None) -> Plan[dict[str, Any]]:
        """Orion's ``/version`` document (``{"orion": {"version": ...}}``)."""
        return plans.version(ctx or FiwareContext())

    @ClientMethod
    def list_entities(
        self,
        ctx: FiwareContext,
        *,
        type: str | Sequence[str] | None = None,
        id: str | Sequence[str] | None = None,
        id_pattern: str | None = None,
        q: str | None = None,
        attrs: Sequence[str] | None = None,
        key_values: bool = False,
        order_by: str | None = None,
    ) -> Plan[list[dict[str, Any]]]:
        """All matching entities, normalized or (``key_values``) ``{"id", "type", a: v}``.

        ``q`` is Orion's Simple Query Language (``temperature>20;status==on``).
        """
        return plans.list_entities(
            ctx,
            type=type,
            id=id,
            id_pattern=id_pattern,
            q=q,
            attrs=attrs,
            key_values=key_values,
            order_by=order_by,
            page_size=self._page_size,
        )

    @ClientMethod
    def get_entity(
        self,
        ctx: FiwareContext,
        entity_id: str,
        *,
        type: str | None = None,
        attrs: Sequence[str] | None = None,
        key_values: bool = False,
    ) -> Plan[dict[str, Any] | None]:
        """One entity, or ``None`` if Orion has no such entity (404)."""
        return plans.get_entity(ctx, entity_id, type=type, attrs=attrs, key_values=key_values)

    @ClientMethod
    def update(
        self,
        ctx: FiwareContext,
        entities: Sequence[Mapping[str, Any]],
        *,
        action_type: str = "append",
        key_values: bool = False,
    ) -> Plan[None]:
        """Batch write (``POST /v2/op/update``): append, appendStrict, update, delete or
        replace. Raises ApiError (e.g. 404 NotFound, 422 PartialUpdate) on failure."""
        return plans.update(ctx, entities, action_type=action_type, key_values=key_values)

    @ClientMethod
    def create_subscription(self, ctx: FiwareContext, subscription: Mapping[str, Any]) -> Plan[str]:
        """Create a subscription in the context's tenant; returns its id."""
        return plans.create_subscription(ctx, subscription)

    @ClientMethod
    def list_subscriptions(self, ctx: FiwareContext) -> Plan[list[dict[str, Any]]]:
        """Every subscription of the tenant under exactly this service path."""
        return plans.list_subscriptions(ctx, page_size=self._page_size)

    @ClientMethod
    def get_subscription(
        self, ctx: FiwareContext, subscription_id: str
    ) -> Plan[dict[str, Any] | None]:
        """One subscription, or ``None`` if there is no such subscription."""
        return plans.get_subscription(ctx, subscription_id)

    @ClientMethod
    def update_subscription(
        self, ctx: FiwareContext, subscription_id: str, patch: Mapping[str, Any]
    ) -> Plan[None]:
        """Change some fields of a subscription (``PATCH``)."""
        return plans.update_subscription(ctx, subscription_id, patch)

    @ClientMethod
    def delete_subscription(self, ctx: FiwareContext, subscription_id: str) -> Plan[None]:
        """Delete a subscription; ApiError 404 if it does not exist."""
        return plans.delete_subscription(ctx, subscription_id)


class OrionClient(_OrionMethods[httpx.Client], SyncRunner):
    """Sync Orion (NGSI-v2) client over a caller-owned ``httpx.Client``.

    Lists are fetched whole, ``page_size`` (at most Orion's 1000) per request, paging
    with ``options=count`` and ``Fiware-Total-Count``. Reads are retried on transport
    errors; writes (``update`` and subscription changes) are sent once.

    Remember that Orion matches ``Fiware-ServicePath`` exactly on queries: use
    ``service_path="/plant1/#"`` for a subtree.
    """


class AsyncOrionClient(_OrionMethods[httpx.AsyncClient], AsyncRunner):
    """Async Orion (NGSI-v2) client over a caller-owned ``httpx.AsyncClient``.

    The same methods, arguments, results and errors as :class:`~ngsi.OrionClient`, awaited.
    """
