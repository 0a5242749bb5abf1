"""Orion clients, sync and async, over the shared plans in ``_orion_plans``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import httpx

from ngsi import _orion_plans as plans
from ngsi._context import FiwareContext
from ngsi._transport import Plan, RetryPolicy, run_async, run_sync

T = TypeVar("T")


class _OrionBase:
    def __init__(self, *, max_attempts: int, backoff: float, page_size: int) -> None:
        if not 1 <= page_size <= plans.ORION_MAX_LIMIT:
            raise ValueError(f"page_size must be between 1 and {plans.ORION_MAX_LIMIT}")
        self._retry = RetryPolicy(attempts=max_attempts, backoff=backoff)
        self._page_size = page_size


class OrionClient(_OrionBase):
    """Sync Orion (NGSI-v2) client over a caller-owned ``httpx.Client``.

    Lists are fetched whole, ``page_size`` (at most Orion's 1000) per request, paging
    with ``options=count`` and ``Fiware-Total-Count``. Reads are retried on transport
    errors; writes (``update`` and subscription changes) are sent once.

    Remember that Orion matches ``Fiware-ServicePath`` exactly on queries: use
    ``service_path="/plant1/#"`` for a subtree.
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        max_attempts: int = 3,
        backoff: float = 0.2,
        page_size: int = plans.ORION_MAX_LIMIT,
    ) -> None:
        super().__init__(max_attempts=max_attempts, backoff=backoff, page_size=page_size)
        self._http = http

    def _run(self, plan: Plan[T]) -> T:
        return run_sync(self._http, plan, self._retry)

    def version(self, ctx: FiwareContext | None = None) -> dict[str, Any]:
        """Orion's ``/version`` document (``{"orion": {"version": ...}}``)."""
        return self._run(plans.version(ctx or FiwareContext()))

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
    ) -> list[dict[str, Any]]:
        """All matching entities, normalized or (``key_values``) ``{"id", "type", a: v}``.

        ``q`` is Orion's Simple Query Language (``temperature>20;status==on``).
        """
        return self._run(
            plans.list_entities(
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
        )

    def get_entity(
        self,
        ctx: FiwareContext,
        entity_id: str,
        *,
        type: str | None = None,
        attrs: Sequence[str] | None = None,
        key_values: bool = False,
    ) -> dict[str, Any] | None:
        """One entity, or ``None`` if Orion has no such entity (404)."""
        return self._run(
            plans.get_entity(ctx, entity_id, type=type, attrs=attrs, key_values=key_values)
        )

    def update(
        self,
        ctx: FiwareContext,
        entities: Sequence[Mapping[str, Any]],
        *,
        action_type: str = "append",
        key_values: bool = False,
    ) -> None:
        """Batch write (``POST /v2/op/update``): append, appendStrict, update, delete or
        replace. Raises ApiError (e.g. 404 NotFound, 422 PartialUpdate) on failure."""
        self._run(plans.update(ctx, entities, action_type=action_type, key_values=key_values))

    def create_subscription(self, ctx: FiwareContext, subscription: Mapping[str, Any]) -> str:
        """Create a subscription in the context's tenant; returns its id."""
        return self._run(plans.create_subscription(ctx, subscription))

    def list_subscriptions(self, ctx: FiwareContext) -> list[dict[str, Any]]:
        """Every subscription of the tenant under exactly this service path."""
        return self._run(plans.list_subscriptions(ctx, page_size=self._page_size))

    def get_subscription(self, ctx: FiwareContext, subscription_id: str) -> dict[str, Any] | None:
        """One subscription, or ``None`` if there is no such subscription."""
        return self._run(plans.get_subscription(ctx, subscription_id))

    def update_subscription(
        self, ctx: FiwareContext, subscription_id: str, patch: Mapping[str, Any]
    ) -> None:
        """Change some fields of a subscription (``PATCH``)."""
        self._run(plans.update_subscription(ctx, subscription_id, patch))

    def delete_subscription(self, ctx: FiwareContext, subscription_id: str) -> None:
        """Delete a subscription; ApiError 404 if it does not exist."""
        self._run(plans.delete_subscription(ctx, subscription_id))


class AsyncOrionClient(_OrionBase):
    """Async Orion (NGSI-v2) client over a caller-owned ``httpx.AsyncClient``.

    Same methods, arguments and results as :class:`~ngsi.OrionClient`.

    Lists are fetched whole, ``page_size`` (at most Orion's 1000) per request, paging
    with ``options=count`` and ``Fiware-Total-Count``. Reads are retried on transport
    errors; writes (``update`` and subscription changes) are sent once.

    Remember that Orion matches ``Fiware-ServicePath`` exactly on queries: use
    ``service_path="/plant1/#"`` for a subtree.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        max_attempts: int = 3,
        backoff: float = 0.2,
        page_size: int = plans.ORION_MAX_LIMIT,
    ) -> None:
        super().__init__(max_attempts=max_attempts, backoff=backoff, page_size=page_size)
        self._http = http

    async def _run(self, plan: Plan[T]) -> T:
        return await run_async(self._http, plan, self._retry)

    async def version(self, ctx: FiwareContext | None = None) -> dict[str, Any]:
        """Orion's ``/version`` document (``{"orion": {"version": ...}}``)."""
        return await self._run(plans.version(ctx or FiwareContext()))

    async def list_entities(
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
    ) -> list[dict[str, Any]]:
        """All matching entities, normalized or (``key_values``) ``{"id", "type", a: v}``.

        ``q`` is Orion's Simple Query Language (``temperature>20;status==on``).
        """
        return await self._run(
            plans.list_entities(
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
        )

    async def get_entity(
        self,
        ctx: FiwareContext,
        entity_id: str,
        *,
        type: str | None = None,
        attrs: Sequence[str] | None = None,
        key_values: bool = False,
    ) -> dict[str, Any] | None:
        """One entity, or ``None`` if Orion has no such entity (404)."""
        return await self._run(
            plans.get_entity(ctx, entity_id, type=type, attrs=attrs, key_values=key_values)
        )

    async def update(
        self,
        ctx: FiwareContext,
        entities: Sequence[Mapping[str, Any]],
        *,
        action_type: str = "append",
        key_values: bool = False,
    ) -> None:
        """Batch write (``POST /v2/op/update``): append, appendStrict, update, delete or
        replace. Raises ApiError (e.g. 404 NotFound, 422 PartialUpdate) on failure."""
        await self._run(plans.update(ctx, entities, action_type=action_type, key_values=key_values))

    async def create_subscription(self, ctx: FiwareContext, subscription: Mapping[str, Any]) -> str:
        """Create a subscription in the context's tenant; returns its id."""
        return await self._run(plans.create_subscription(ctx, subscription))

    async def list_subscriptions(self, ctx: FiwareContext) -> list[dict[str, Any]]:
        """Every subscription of the tenant under exactly this service path."""
        return await self._run(plans.list_subscriptions(ctx, page_size=self._page_size))

    async def get_subscription(
        self, ctx: FiwareContext, subscription_id: str
    ) -> dict[str, Any] | None:
        """One subscription, or ``None`` if there is no such subscription."""
        return await self._run(plans.get_subscription(ctx, subscription_id))

    async def update_subscription(
        self, ctx: FiwareContext, subscription_id: str, patch: Mapping[str, Any]
    ) -> None:
        """Change some fields of a subscription (``PATCH``)."""
        await self._run(plans.update_subscription(ctx, subscription_id, patch))

    async def delete_subscription(self, ctx: FiwareContext, subscription_id: str) -> None:
        """Delete a subscription; ApiError 404 if it does not exist."""
        await self._run(plans.delete_subscription(ctx, subscription_id))
