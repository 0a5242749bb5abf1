"""The only module of the fatigue board that talks to QuantumLeap: its three sources.

Queries return kit frames so the shared cache can hand one answer to every viewer; the
shaping code reads them back per entity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from boardkit import (
    ENTITY,
    Clients,
    Frame,
    Source,
    SourceRequest,
    frame_from_series,
    merge_frames,
)
from ngsi import AsyncQuantumLeapClient, FiwareContext

from board_fams.config import Settings

WORKER_TYPE = "Worker"
ASSIGNMENT_TYPE = "TaskAssignment"
EXECUTION_TYPE = "TaskExecution"
WORKERS = "workers"
ASSIGNMENTS = "assignments"
EXECUTIONS = "executions"


@dataclass(frozen=True, slots=True)
class EntityRows:
    """One entity's rows taken back out of a frame (matches ``series.SeriesLike``)."""

    index: list[datetime] = field(default_factory=list)
    attributes: dict[str, list[Any]] = field(default_factory=dict)


async def fetch_type(
    ql: AsyncQuantumLeapClient,
    ctx: FiwareContext,
    entity_type: str,
    *,
    since: datetime,
    until: datetime,
) -> Frame:
    """Every row of ``entity_type`` between the two times, all entities in one frame.

    A time window, not lastN: QL's lastN counts rows across all entities of the type.
    """
    series = await ql.type_series(ctx, entity_type, from_date=since, to_date=until)
    return merge_frames(frame_from_series(s.id, s.index, s.attributes) for s in series)


def _source(name: str, entity_type: str, span: timedelta) -> Source:
    async def fetch(clients: Clients, fiware: FiwareContext, request: SourceRequest) -> Frame:
        return await fetch_type(
            clients.ql, fiware, entity_type, since=request.now - span, until=request.now
        )

    return Source(name, fetch)


def sources(settings: Settings) -> tuple[Source, ...]:
    """Workers over the fatigue window; assignments and executions over the
    intervention window."""
    workers = timedelta(minutes=settings.worker_window_minutes)
    interventions = timedelta(hours=settings.intervention_window_hours)
    return (
        _source(WORKERS, WORKER_TYPE, workers),
        _source(ASSIGNMENTS, ASSIGNMENT_TYPE, interventions),
        _source(EXECUTIONS, EXECUTION_TYPE, interventions),
    )


def by_entity(frame: Frame) -> dict[str, EntityRows]:
    """The frame's rows grouped per entity id, oldest first."""
    names = [name for name in frame.columns if name != ENTITY]
    grouped: dict[str, EntityRows] = defaultdict(
        lambda: EntityRows([], {name: [] for name in names})
    )
    for row in frame.rows():
        rows = grouped[str(row[ENTITY])]
        rows.index.append(row["time"])
        for name in names:
            rows.attributes[name].append(row[name])
    return dict(grouped)
