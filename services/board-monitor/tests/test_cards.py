"""Current-value cards: what each entity's card says, from Orion's current state; no I/O."""

from __future__ import annotations

from datetime import UTC, datetime

from board_monitor.cards import header_for, render_cards
from boardkit import Frame
from tenant_context import MonitorSpec

SPEC = MonitorSpec.model_validate(
    {
        "title": "Coolant",
        "entity_type": "CoolantSystem",
        "attributes": [
            {
                "name": "pH",
                "thresholds": [
                    {"value": 9.5, "color": "#d62728"},
                    {"value": 9.2, "color": "#ff7f0e"},
                ],
            },
            {"name": "flow", "label": "Flow", "unit": "L/min"},
        ],
        "current_values": True,
    }
)
C1 = "urn:ngsi-ld:CoolantSystem:circuit1"
C2 = "urn:ngsi-ld:CoolantSystem:circuit2"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def current(ph: list, flow: list) -> Frame:
    return Frame((NOW, NOW), {"entity": [C1, C2], "pH": ph, "flow": flow})


def texts(component) -> list[str]:
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            found.append(node)
            return
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None:
                walk(child)

    walk(component)
    return found


def styles(component) -> list[dict]:
    found: list[dict] = []

    def walk(node) -> None:
        style = getattr(node, "style", None)
        if style:
            found.append(style)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(component)
    return found


def test_one_card_per_selected_entity_with_labels_and_units():
    cards = render_cards(SPEC, current([9.0, 9.1], [27.5, 30.0]), [C2])

    shown = texts(cards)
    assert "circuit2" in shown
    assert "circuit1" not in shown
    assert "Flow" in shown
    assert "30 L/min" in shown


def test_every_entity_when_none_is_selected():
    shown = texts(render_cards(SPEC, current([9.0, 9.1], [27.5, 30.0]), []))

    assert {"circuit1", "circuit2"} <= set(shown)


def test_a_value_past_a_threshold_takes_the_highest_crossed_colour():
    cards = render_cards(SPEC, current([9.3, 9.6], [27.5, 30.0]), [])

    assert styles(cards) == [{"color": "#ff7f0e"}, {"color": "#d62728"}]


def test_missing_or_non_numeric_values_say_so():
    shown = texts(render_cards(SPEC, current([None, "acid"], [27.5, 30.0]), []))

    assert shown.count("no value") == 2


def test_no_entities_in_orion_is_a_sentence_not_an_empty_space():
    empty = Frame((), {"entity": [], "pH": [], "flow": []})

    assert texts(render_cards(SPEC, empty, [])) == [
        "No current values in Orion for CoolantSystem yet."
    ]


def test_specs_without_current_values_have_no_cards():
    plain = MonitorSpec.model_validate({**SPEC.stored(), "current_values": False})

    assert header_for(plain) is None
    assert header_for(SPEC) is not None
