"""Machine and coolant telemetry: realistic values that now and then cross the limits."""

from __future__ import annotations

import random

import pytest
from sim.generator.telemetry import COOLANT_READINGS, MACHINE_READINGS, Telemetry

TICKS = 3000

# (entity type, attribute, limit, True when crossing means going above it)
LIMITS = [
    ("MachineTelemetry", "spindleSpeed", 11500, True),
    ("MachineTelemetry", "temperature", 75, True),
    ("MachineTelemetry", "power", 18, True),
    ("CoolantSystem", "flow", 20, False),
    ("CoolantSystem", "pressure", 6.5, True),
    ("CoolantSystem", "pH", 8.5, False),
    ("CoolantSystem", "pH", 9.5, True),
]


def _history() -> list[dict]:
    telemetry = Telemetry(random.Random(3))
    return [entity for _ in range(TICKS) for entity in telemetry.tick()]


def test_every_machine_and_circuit_reports_every_reading_as_a_number():
    entities = Telemetry(random.Random(1)).tick()

    machines = [e for e in entities if e["type"] == "MachineTelemetry"]
    circuits = [e for e in entities if e["type"] == "CoolantSystem"]
    assert [e["id"] for e in machines] == [
        f"urn:ngsi-ld:MachineTelemetry:machine{n}" for n in (1, 2, 3)
    ]
    assert [e["id"] for e in circuits] == [f"urn:ngsi-ld:CoolantSystem:circuit{n}" for n in (1, 2)]
    for entity, readings in [(machines[0], MACHINE_READINGS), (circuits[0], COOLANT_READINGS)]:
        for reading in readings:
            assert entity[reading.name]["type"] == "Number"
            assert reading.low <= entity[reading.name]["value"] <= reading.high


@pytest.mark.parametrize(("entity_type", "name", "limit", "above"), LIMITS)
def test_values_cross_each_limit_occasionally(entity_type, name, limit, above):
    values = [e[name]["value"] for e in _history() if e["type"] == entity_type]

    crossing = [v for v in values if (v > limit if above else v < limit)]

    # Now and then, not never and not most of the time.
    assert 0.002 < len(crossing) / len(values) < 0.15


def test_values_stay_near_their_normal_value():
    values = [e["temperature"]["value"] for e in _history() if e["type"] == "MachineTelemetry"]

    assert 58 < sum(values) / len(values) < 70


def test_latest_is_the_last_tick_for_orion_current_state():
    telemetry = Telemetry(random.Random(5))
    telemetry.tick()

    second = telemetry.tick()

    assert telemetry.latest == second
