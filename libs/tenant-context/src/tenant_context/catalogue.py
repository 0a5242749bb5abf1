"""The boards Dazzler knows: slug, title, description and the service that serves it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BoardInfo:
    """One kind of board a tenant can be granted."""

    slug: str
    title: str
    description: str
    service: str


_BOARDS = (
    BoardInfo(
        "roughnator",
        "Surface roughness",
        "Milling-machine acceleration and the roughness the Roughnator AI estimates from it.",
        "board-roughnator",
    ),
    BoardInfo(
        "sleuth",
        "Defect size",
        "Surface areas where the Sleuth inspection service finds defects likely.",
        "board-sleuth",
    ),
    BoardInfo(
        "raw-materials",
        "Raw materials inspection",
        "VIQE conformance of each inspected raw-material item; scrap highlighted.",
        "board-sleuth",
    ),
    BoardInfo(
        "tweezers",
        "Tweezers inspection",
        "VIQE conformance of each tweezers measurement against its spec threshold.",
        "board-sleuth",
    ),
    BoardInfo(
        "fams",
        "Worker fatigue",
        "Fatigue per production line from FAMS, and the last accepted intervention.",
        "board-fams",
    ),
    BoardInfo(
        "insight",
        "Insight Generator report",
        "Recommended parameter settings and best estimate for each KPI.",
        "board-insight",
    ),
    BoardInfo(
        "insight-preview",
        "Insight preview",
        "Insight Generator recommendations with each KPI's real time series.",
        "board-insight",
    ),
    BoardInfo(
        "demo",
        "Showcase",
        "The look and feel of Dazzler boards: themes, controls and sample figures.",
        "board-demo",
    ),
    BoardInfo(
        "monitor",
        "Entity monitor",
        "Live charts of one entity type, described by a spec kept in the registry.",
        "board-monitor",
    ),
)

BOARD_CATALOGUE: dict[str, BoardInfo] = {b.slug: b for b in _BOARDS}


def board_info(slug: str) -> BoardInfo | None:
    """Return the catalogue entry for ``slug``, or None for a board Dazzler does not know."""
    return BOARD_CATALOGUE.get(slug)
