"""What the monitor board is: a live view built from the spec each request carries."""

from __future__ import annotations

from functools import lru_cache, partial

from boardkit import Board, LiveView
from tenant_context import MONITOR_BOARD, MonitorSpec, TenantContext

from board_monitor.cards import header_for
from board_monitor.data import fetch_window
from board_monitor.figures import build_figure, build_traces
from board_monitor.spec import UnreadableSpec, spec_from_settings

HOW_TO_READ = """
Each panel is one attribute of the **{entity_type}** entities, in {unit_text}. Dashed
lines are the limits set for this monitor, in their own colours. Pick one or more
entities to compare them; new points appear as they arrive. Times are in the plant's
timezone; the CSV has exactly the points on screen.
"""


def explanation(spec: MonitorSpec) -> str:
    """The spec's description, then how to read the panels."""
    units = [f"{a.display_label}: {a.unit}" for a in spec.attributes if a.unit]
    unit_text = "; ".join(units) if units else "the attributes' own units"
    how = HOW_TO_READ.format(entity_type=spec.entity_type, unit_text=unit_text)
    return f"{spec.description}\n\n{how}" if spec.description else how


def live_view(spec: MonitorSpec) -> LiveView:
    """The kit's live view of the spec's entity type and attributes."""
    attrs = tuple(attribute.name for attribute in spec.attributes)
    return LiveView(
        entity_type=spec.entity_type,
        attrs=attrs,
        fetch=partial(fetch_window, spec.entity_type, attrs),
        traces=build_traces,
        figure=build_figure,
        pick_entities=True,
        multi=True,
        default_window=spec.default_window,
        default_last_n=spec.default_last_n,
        entity_label="Entities",
        header=header_for(spec),
    )


def board_for_spec(spec: MonitorSpec) -> Board:
    """The board one spec describes (built once per distinct spec)."""
    return _board_for_json(spec.stored_json())


@lru_cache(maxsize=256)
def _board_for_json(encoded: str) -> Board:
    spec = MonitorSpec.model_validate_json(encoded)
    return Board(
        slug=MONITOR_BOARD,
        title=spec.title,
        explanation=explanation(spec),
        live=live_view(spec),
    )


def _unreadable(reason: str) -> Board:
    message = f"This monitor's spec cannot be shown ({reason}). Ask an administrator to check it."
    return Board(
        slug=MONITOR_BOARD,
        title="Entity monitor",
        explanation="A monitor shows the entity type its spec names.",
        unavailable=message,
    )


def resolve(context: TenantContext) -> Board:
    """The board this request's spec describes, or a page saying why there is none."""
    try:
        return board_for_spec(spec_from_settings(context.settings))
    except UnreadableSpec as exc:
        return _unreadable(str(exc))


# With cards, so the validation layout has every component the callbacks name.
PLACEHOLDER = MonitorSpec.model_validate(
    {
        "title": "Entity monitor",
        "entity_type": "Entity",
        "attributes": [{"name": "value"}],
        "current_values": True,
    }
)


def monitor_board() -> Board:
    """The declaration the app is built from; each request renders its own spec."""
    placeholder = board_for_spec(PLACEHOLDER)
    return Board(
        slug=MONITOR_BOARD,
        title=placeholder.title,
        explanation=placeholder.explanation,
        live=placeholder.live,
        for_context=resolve,
    )
