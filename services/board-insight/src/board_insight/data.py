"""The only module of the insight boards that talks to Orion and QuantumLeap."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from ngsi import AsyncOrionClient, AsyncQuantumLeapClient, EntitySeries, FiwareContext

from board_insight.kpis import insight_suffix

INSIGHTS_TYPE = "Insights"
KPI_TYPE = "InsightKPI"


class InsightNotFound(LookupError):
    """The selected insight is no longer in Orion."""


async def insight_ids(orion: AsyncOrionClient, ctx: FiwareContext) -> list[str]:
    """Ids of every ``Insights`` entity of the tenant, sorted."""
    entities = await orion.list_entities(ctx, type=INSIGHTS_TYPE, key_values=True)
    return sorted(str(e["id"]) for e in entities if "id" in e)


async def insight_results(orion: AsyncOrionClient, ctx: FiwareContext, insight_id: str) -> Any:
    """The raw ``Results`` value of one insight (None when the entity has none)."""
    entity = await orion.get_entity(ctx, insight_id, type=INSIGHTS_TYPE, key_values=True)
    if entity is None:
        raise InsightNotFound(insight_id)
    return entity.get("Results")


async def insight_kpi_series(
    ql: AsyncQuantumLeapClient,
    ctx: FiwareContext,
    insight_id: str,
    *,
    now: datetime,
    window: timedelta,
) -> list[EntitySeries]:
    """``InsightKPI`` series of the last ``window`` whose id names this insight.

    QL's idPattern is an unanchored, case-insensitive match; rows are filtered exactly on
    their ``insightId`` afterwards.
    """
    pattern = re.escape(f"{KPI_TYPE}:{insight_suffix(insight_id)}:")
    return await ql.type_series(
        ctx, KPI_TYPE, id_pattern=pattern, from_date=now - window, to_date=now
    )
