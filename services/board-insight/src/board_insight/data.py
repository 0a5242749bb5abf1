"""The only module of the insight boards that talks to Orion and QuantumLeap: the
boards' sources (the tenant's insights, the chosen insight's state and its KPI series)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from boardkit import Clients, Frame, Source, SourceRequest, frame_from_series, merge_frames
from ngsi import AsyncOrionClient, FiwareContext

from board_insight.kpis import insight_suffix

INSIGHTS_TYPE = "Insights"
KPI_TYPE = "InsightKPI"
INSIGHT = "insight"
"""The viewer's choice of insight (and its key in the address)."""


@dataclass(frozen=True, slots=True)
class InsightState:
    """What Orion holds of one insight: its raw ``Results`` and since when it holds them.

    ``since`` is the entity's ``TimeInstant`` (None when absent or unreadable): Orion keeps
    no older versions, so this is where the insight's known history starts.
    """

    results: Any
    since: datetime | None


async def insight_ids(orion: AsyncOrionClient, ctx: FiwareContext) -> list[str]:
    """Ids of every ``Insights`` entity of the tenant, sorted."""
    entities = await orion.list_entities(ctx, type=INSIGHTS_TYPE, key_values=True)
    return sorted(str(e["id"]) for e in entities if "id" in e)


def instant(value: Any) -> datetime | None:
    """An aware time from an ISO 8601 text (``Z`` accepted), else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def read_state(value: Any) -> InsightState | None:
    """The state source's value read back (None: the insight is no longer in Orion)."""
    if not isinstance(value, dict):
        return None
    return InsightState(value.get("Results"), instant(value.get("TimeInstant")))


async def _insights(clients: Clients, fiware: FiwareContext, _request: SourceRequest) -> Any:
    return await insight_ids(clients.orion, fiware)


async def _state(clients: Clients, fiware: FiwareContext, request: SourceRequest) -> Any:
    """The chosen insight's ``Results`` and ``TimeInstant`` as Orion holds them, or None
    when the entity is gone."""
    insight = request.choices[INSIGHT]
    entity = await clients.orion.get_entity(fiware, insight, type=INSIGHTS_TYPE, key_values=True)
    if entity is None:
        return None
    return {"Results": entity.get("Results"), "TimeInstant": entity.get("TimeInstant")}


def kpi_source(window: timedelta) -> Source:
    """``InsightKPI`` rows of the last ``window`` whose id names the chosen insight.

    QL's idPattern is an unanchored, case-insensitive match; rows are matched exactly on
    their ``insightId`` when they are read (:func:`board_insight.kpis.kpi_series`).
    """

    async def fetch(clients: Clients, fiware: FiwareContext, request: SourceRequest) -> Frame:
        insight = request.choices[INSIGHT]
        pattern = re.escape(f"{KPI_TYPE}:{insight_suffix(insight)}:")
        series = await clients.ql.type_series(
            fiware,
            KPI_TYPE,
            id_pattern=pattern,
            from_date=request.now - window,
            to_date=request.now,
        )
        return merge_frames(frame_from_series(s.id, s.index, s.attributes) for s in series)

    return Source("kpis", fetch, choices=(INSIGHT,))


INSIGHTS = Source("insights", _insights)
STATE = Source("state", _state, choices=(INSIGHT,))
