"""The simulated VIQE inspections look like a real line: most items conform, clearly."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

from sim.generator.entities import RAW_MATERIAL_THRESHOLD, TenantFeed

TICKS = 2000


def _items(entity_type: str) -> list[tuple[float, float, bool]]:
    """(indicator, threshold, okay) of every item of ``entity_type`` over TICKS ticks."""
    feed = TenantFeed("acme", seed=11)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    found = []
    for tick in range(TICKS):
        series, _ = feed.tick(start + timedelta(seconds=tick))
        for entity in series:
            if entity["type"] == entity_type:
                spec = entity.get("spec", {}).get("value")
                threshold = float(spec) if spec is not None else RAW_MATERIAL_THRESHOLD
                found.append(
                    (entity["conformance_indicator"]["value"], threshold, entity["okay"]["value"])
                )
    return found


def test_most_items_conform_well_under_their_threshold_and_okay_agrees() -> None:
    for entity_type in ("raw_material", "tweezers_measurement"):
        items = _items(entity_type)
        assert len(items) == TICKS
        assert all(okay == (value <= threshold) for value, threshold, okay in items)
        assert all(0.0 <= value <= 1.0 for value, _, _ in items)
        share = sum(okay for _, _, okay in items) / len(items)
        assert 0.83 <= share <= 0.93, (entity_type, share)
        conforming = [value / threshold for value, threshold, okay in items if okay]
        assert statistics.median(conforming) < 0.5, entity_type
        assert any(not okay for _, _, okay in items)
