"""The sleuth service's queries: the only module of the package that talks to QuantumLeap."""

from __future__ import annotations

from datetime import UTC, datetime

from boardkit import Frame, Window, frame_from_series, merge_frames
from ngsi import AsyncQuantumLeapClient, FiwareContext

from board_sleuth.ids import (
    INSPECTION_ATTRS,
    INSPECTION_TYPE,
    RAW_MATERIAL_ATTRS,
    RAW_MATERIAL_TYPE,
    TWEEZERS_ATTRS,
    TWEEZERS_TYPE,
)


async def fetch_inspections(
    ql: AsyncQuantumLeapClient, fiware: FiwareContext, entity_id: str | None, window: Window
) -> Frame:
    """One camera's defect areas in ``window``."""
    if entity_id is None:
        raise ValueError("defect size is queried one camera at a time")
    from_date, to_date = window.bounds(datetime.now(UTC))
    series = await ql.entity_series(
        fiware,
        entity_id,
        type=INSPECTION_TYPE,
        attrs=list(INSPECTION_ATTRS),
        last_n=window.last_n,
        from_date=from_date,
        to_date=to_date,
    )
    return frame_from_series(entity_id, series.index, series.attributes)


async def _items(
    ql: AsyncQuantumLeapClient,
    fiware: FiwareContext,
    entity_type: str,
    attrs: tuple[str, ...],
    window: Window,
) -> Frame:
    # One query for the whole type: each inspected item is its own entity, so asking per
    # item would mean one query per item.
    from_date, to_date = window.bounds(datetime.now(UTC))
    found = await ql.type_series(
        fiware,
        entity_type,
        attrs=list(attrs),
        last_n=window.last_n,
        from_date=from_date,
        to_date=to_date,
    )
    return merge_frames(frame_from_series(s.id, s.index, s.attributes) for s in found)


async def fetch_raw_materials(
    ql: AsyncQuantumLeapClient, fiware: FiwareContext, _entity: str | None, window: Window
) -> Frame:
    """Every raw-material inspection in ``window``."""
    return await _items(ql, fiware, RAW_MATERIAL_TYPE, RAW_MATERIAL_ATTRS, window)


async def fetch_tweezers(
    ql: AsyncQuantumLeapClient, fiware: FiwareContext, _entity: str | None, window: Window
) -> Frame:
    """Every tweezers measurement in ``window``."""
    return await _items(ql, fiware, TWEEZERS_TYPE, TWEEZERS_ATTRS, window)
