"""The three boards the sleuth service serves; the tenant context's board picks one."""

from __future__ import annotations

from boardkit import Board, LiveView

from board_sleuth.data import fetch_inspections, fetch_raw_materials, fetch_tweezers
from board_sleuth.figures import (
    defect_figure,
    defect_traces,
    item_figure,
    item_seen_before,
    item_traces,
    tweezers_traces,
)
from board_sleuth.ids import (
    INSPECTION_ATTRS,
    INSPECTION_TYPE,
    RAW_MATERIAL_ATTRS,
    RAW_MATERIAL_TYPE,
    RAW_MATERIALS,
    SLEUTH,
    TWEEZERS,
    TWEEZERS_ATTRS,
    TWEEZERS_TYPE,
)

SLEUTH_EXPLANATION = """
**Sleuth** inspects parts as they are machined and reports the fraction of the surface
where a defect is likely.

- Each bubble is one inspection: its **height and size** are the defect area.
- **Coral** bubbles mean a defect is likely (area of 0.4 or more), **silver** ones that
  it is not.
- Each camera has its own marker shape; pick several to compare them.
"""

RAW_MATERIALS_EXPLANATION = """
**VIQE** inspects each raw-material item and rates how far it deviates from the norm.

- One bar per item, its **latest** inspection in the chosen time window.
- Height is the conformance indicator: **0** means no deviation, **1** probable scrap.
- **Coral** bars are items judged scrap, **silver** bars items that conform.
- New items appear on the right as they are inspected.
"""

TWEEZERS_EXPLANATION = """
**VIQE** measures each pair of tweezers against its specification.

- One bar per item, its **latest** measurement in the chosen time window.
- Height is the conformance indicator: **0** means no deviation, **1** probable scrap.
- The red dashed line is each item's **spec threshold** t: values at or below t conform.
- **Coral** bars are scrap, **silver** bars conform; hover a bar for its inspection time.
"""


def sleuth_boards() -> list[Board]:
    """The board declarations the app is built from."""
    return [
        Board(
            slug=SLEUTH,
            title="Defect size",
            explanation=SLEUTH_EXPLANATION,
            live=LiveView(
                entity_type=INSPECTION_TYPE,
                attrs=INSPECTION_ATTRS,
                fetch=fetch_inspections,
                traces=defect_traces,
                figure=defect_figure,
                default_last_n=100,
                y_label="area",
                entity_label="Cameras",
            ),
        ),
        Board(
            slug=RAW_MATERIALS,
            title="Raw materials inspection",
            explanation=RAW_MATERIALS_EXPLANATION,
            live=LiveView(
                entity_type=RAW_MATERIAL_TYPE,
                attrs=RAW_MATERIAL_ATTRS,
                fetch=fetch_raw_materials,
                traces=item_traces,
                figure=item_figure,
                pick_entities=False,
                default_window="1h",
                needs_redraw=item_seen_before,
                x_label="item",
                y_label="conformance",
            ),
        ),
        Board(
            slug=TWEEZERS,
            title="Tweezers inspection",
            explanation=TWEEZERS_EXPLANATION,
            live=LiveView(
                entity_type=TWEEZERS_TYPE,
                attrs=TWEEZERS_ATTRS,
                fetch=fetch_tweezers,
                traces=tweezers_traces,
                figure=item_figure,
                pick_entities=False,
                default_window="1h",
                needs_redraw=item_seen_before,
                x_label="item",
                y_label="conformance",
            ),
        ),
    ]
