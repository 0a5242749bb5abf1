"""The monitor's queries: the only module of the board that talks to QuantumLeap."""

from __future__ import annotations

from datetime import UTC, datetime

from boardkit import Frame, Window, frame_from_series
from ngsi import AsyncQuantumLeapClient, FiwareContext


async def fetch_window(
    entity_type: str,
    attrs: tuple[str, ...],
    ql: AsyncQuantumLeapClient,
    fiware: FiwareContext,
    entity_id: str | None,
    window: Window,
) -> Frame:
    """One entity's ``attrs`` in ``window`` (the spec fixes the type and attributes)."""
    if entity_id is None:
        raise ValueError("the monitor queries one entity at a time")
    from_date, to_date = window.bounds(datetime.now(UTC))
    series = await ql.entity_series(
        fiware,
        entity_id,
        type=entity_type,
        attrs=list(attrs),
        last_n=window.last_n,
        from_date=from_date,
        to_date=to_date,
    )
    return frame_from_series(entity_id, series.index, series.attributes)
