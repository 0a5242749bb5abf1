"""The roughnator's queries: the only module of the board that talks to QuantumLeap."""

from __future__ import annotations

from datetime import UTC, datetime

from boardkit import Frame, Window, frame_from_series
from ngsi import AsyncQuantumLeapClient, FiwareContext

from board_roughnator.ids import ATTRIBUTES, ENTITY_TYPE


async def fetch_window(
    ql: AsyncQuantumLeapClient, fiware: FiwareContext, entity_id: str | None, window: Window
) -> Frame:
    """One machine's acceleration and roughness in ``window``."""
    if entity_id is None:
        raise ValueError("the roughnator queries one machine at a time")
    from_date, to_date = window.bounds(datetime.now(UTC))
    series = await ql.entity_series(
        fiware,
        entity_id,
        type=ENTITY_TYPE,
        attrs=list(ATTRIBUTES),
        last_n=window.last_n,
        from_date=from_date,
        to_date=to_date,
    )
    return frame_from_series(entity_id, series.index, series.attributes)
