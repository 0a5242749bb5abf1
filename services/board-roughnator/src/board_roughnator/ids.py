"""Names the roughnator board uses for its components and traces."""

from __future__ import annotations

from typing import Any

BOARD = "roughnator"
ENTITY_TYPE = "RoughnessEstimate"
ACCELERATION = "acceleration"
ROUGHNESS = "roughness"
ATTRIBUTES = (ACCELERATION, ROUGHNESS)


def trace_key(entity_id: str, attribute: str) -> str:
    """The stable key of one machine's trace of one attribute."""
    return f"{entity_id}/{attribute}"


def latest_card(entity_id: Any) -> dict[str, Any]:
    """The 'latest values' card of one machine (one per selected machine)."""
    return {"type": "rgh-latest", "entity": entity_id}


LATEST_CARDS = "rgh-latest-cards"
