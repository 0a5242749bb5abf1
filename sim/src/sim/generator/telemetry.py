"""Machine and coolant telemetry: entity types no coded board shows, for entity monitors.

Each reading wanders around its normal value and is pulled back towards it, so most
points are unremarkable and a few cross the limits the demo monitors draw (docs/entities.md).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

MACHINES = 3
COOLANT_CIRCUITS = 2


@dataclass(frozen=True, slots=True)
class Reading:
    """How one attribute behaves: its normal value, how far it strays and its hard range."""

    name: str
    normal: float
    step: float
    low: float
    high: float
    digits: int
    pull: float = 0.1

    def next(self, rng: random.Random, value: float) -> float:
        """One tick later: pulled towards ``normal`` plus a random step, kept in range."""
        moved = value + self.pull * (self.normal - value) + rng.gauss(0.0, self.step)
        return round(min(self.high, max(self.low, moved)), self.digits)


# The demo monitors' limits: spindle 11,500 rpm, 75 °C, 18 kW; coolant flow under 20
# L/min, pressure over 6.5 bar, pH outside 8.5-9.5. A normal value a couple of standard
# deviations inside each limit makes crossings occasional.
MACHINE_READINGS = (
    Reading("spindleSpeed", normal=9500.0, step=420.0, low=0.0, high=13000.0, digits=0),
    Reading("temperature", normal=64.0, step=2.3, low=20.0, high=95.0, digits=1),
    Reading("power", normal=13.0, step=1.1, low=0.0, high=25.0, digits=2),
)
COOLANT_READINGS = (
    Reading("flow", normal=27.0, step=1.6, low=0.0, high=45.0, digits=1),
    Reading("pressure", normal=5.2, step=0.3, low=0.0, high=9.0, digits=2),
    Reading("pH", normal=9.0, step=0.1, low=7.0, high=11.0, digits=2),
)


@dataclass
class Telemetry:
    """The telemetry of one tenant's machines and coolant circuits."""

    rng: random.Random
    machines: list[list[float]] = field(init=False)
    coolant: list[list[float]] = field(init=False)

    def __post_init__(self) -> None:
        self.machines = [[r.normal for r in MACHINE_READINGS] for _ in range(MACHINES)]
        self.coolant = [[r.normal for r in COOLANT_READINGS] for _ in range(COOLANT_CIRCUITS)]

    latest: list[dict[str, Any]] = field(init=False, default_factory=list)

    def tick(self) -> list[dict[str, Any]]:
        """One reading of every machine and circuit, as NGSI v2 entities (kept as
        ``latest``: the current state Orion holds)."""
        self.latest = [
            *self._entities("MachineTelemetry", "machine", MACHINE_READINGS, self.machines),
            *self._entities("CoolantSystem", "circuit", COOLANT_READINGS, self.coolant),
        ]
        return self.latest

    def _entities(
        self,
        entity_type: str,
        prefix: str,
        readings: tuple[Reading, ...],
        state: list[list[float]],
    ) -> list[dict[str, Any]]:
        entities: list[dict[str, Any]] = []
        for number, values in enumerate(state, start=1):
            entity: dict[str, Any] = {
                "id": f"urn:ngsi-ld:{entity_type}:{prefix}{number}",
                "type": entity_type,
            }
            for position, reading in enumerate(readings):
                values[position] = reading.next(self.rng, values[position])
                entity[reading.name] = {"type": "Number", "value": values[position]}
            entities.append(entity)
        return entities
