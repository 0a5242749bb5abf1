"""The only module of the insight boards that talks to Orion and QuantumLeap."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class InsightState:
    """What Orion holds of one insight: its raw ``Results`` and since when it holds them.

    ``since`` is the entity's ``TimeInstant`` (None when absent or unreadable): Orion keeps
    no older versions, so this is where the insight's known history starts.
    """

    results: Any
    since: datetime | None


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


async def insight_state(
    orion: AsyncOrionClient, ctx: FiwareContext, insight_id: str
) -> InsightState:
    """The ``Results`` of one insight (None when the entity has none) and their time."""
    entity = await orion.get_entity(ctx, insight_id, type=INSIGHTS_TYPE, key_values=True)
    if entity is None:
        raise InsightNotFound(insight_id)
    return InsightState(entity.get("Results"), _instant(entity.get("TimeInstant")))


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
