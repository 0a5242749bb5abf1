"""What the roughnator board is: its explanation and its live view."""

from __future__ import annotations

from boardkit import Board, LiveView

from board_roughnator.data import fetch_window
from board_roughnator.figures import build_figure, build_traces
from board_roughnator.ids import ATTRIBUTES, BOARD, ENTITY_TYPE

EXPLANATION = """
The **Roughnator** AI estimates the surface roughness of a milled part from the
milling machine's vibration.

- **Top:** the acceleration measured on each machine (dotted).
- **Bottom:** the roughness estimated from it. The red dashed line is the roughness
  threshold set for this plant; points above it mean the surface is probably out of spec.

Pick one or more machines to compare them; each machine keeps its colour in both panels.
New points appear as they arrive. Times are in the plant's timezone.
"""


def roughnator_board() -> Board:
    """The board declaration the app is built from."""
    return Board(
        slug=BOARD,
        title="Surface roughness",
        explanation=EXPLANATION,
        live=LiveView(
            entity_type=ENTITY_TYPE,
            attrs=ATTRIBUTES,
            fetch=fetch_window,
            traces=build_traces,
            figure=build_figure,
            pick_entities=True,
            multi=True,
            default_window="last_n",
            default_last_n=100,
        ),
    )
