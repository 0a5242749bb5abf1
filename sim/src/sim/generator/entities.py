"""Live entities for every board (docs/entities.md), one tenant's worth per tick."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sim.generator.telemetry import Telemetry

Entity = dict[str, Any]

ROUGHNESS_SENSORS = 2
INSPECTION_CAMERAS = 2
WORKERS = 6
LINES = 3
RAW_MATERIAL_THRESHOLD = 0.5
# Real lines scrap a small share of what they inspect: about one item in eight is drawn
# above its threshold, the rest well under it.
SCRAP_SHARE = 0.12
# Each tick has this chance of a new intervention (assignment or execution).
INTERVENTION_CHANCE = 0.2

# (KPI name, best value, feature names) per Insights entity.
_INSIGHTS: list[list[tuple[str, float, list[str]]]] = [
    [
        ("Throughput", 163.37, ["ae", "fz", "Diam"]),
        ("Scrap", 2.0, ["Diam", "fz", "ae", "HB"]),
        ("Roughness", 1.03, ["AcelR", "Ra"]),
    ],
    [
        ("Energy", 41.5, ["Speed", "Feed"]),
        ("Throughput", 151.2, ["ae", "Diam"]),
    ],
]


def urn(entity_type: str, suffix: str) -> str:
    return f"urn:ngsi-ld:{entity_type}:{suffix}"


def _attr(ngsi_type: str, value: Any) -> dict[str, Any]:
    return {"type": ngsi_type, "value": value}


def iso(moment: datetime) -> str:
    """ISO 8601 with milliseconds and an explicit UTC offset."""
    return moment.isoformat(timespec="milliseconds")


def _walk(rng: random.Random, value: float, step: float, low: float, high: float) -> float:
    return min(high, max(low, value + rng.uniform(-step, step)))


@dataclass
class TenantFeed:
    """One tenant's simulated plant; its own random stream keeps tenants' data distinct."""

    tenant: str
    seed: int | None = None
    rng: random.Random = field(init=False)
    ticks: int = field(default=0, init=False)
    acceleration: list[float] = field(init=False)
    roughness: list[float] = field(init=False)
    fatigue: list[float] = field(init=False)
    kpis: list[list[float]] = field(init=False)
    telemetry: Telemetry = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.seed}:{self.tenant}")
        # A stream of its own, so the other entities' values stay what they were.
        self.telemetry = Telemetry(random.Random(f"{self.seed}:{self.tenant}:telemetry"))
        self.acceleration = [self.rng.uniform(5.2, 5.9) for _ in range(ROUGHNESS_SENSORS)]
        self.roughness = [self.rng.uniform(1.4, 2.1) for _ in range(ROUGHNESS_SENSORS)]
        self.fatigue = [self.rng.uniform(1.0, 5.0) for _ in range(WORKERS)]
        self.kpis = [[best for _, best, _ in insight] for insight in _INSIGHTS]

    def tick(self, moment: datetime) -> tuple[list[Entity], list[Entity]]:
        """``(time series entities for QL, current-state entities for Orion only)``."""
        stamp = _attr("DateTime", iso(moment))
        series: list[Entity] = [
            *self._roughness(),
            *self._inspections(),
            self._raw_material(moment),
            self._tweezers(moment),
            *self._workers(moment),
            *self._interventions(moment),
            *self._insight_kpis(),
            *self.telemetry.tick(),
        ]
        insights = self._insights()
        for entity in (*series, *insights):
            entity["TimeInstant"] = dict(stamp)
        self.ticks += 1
        return series, insights

    def _roughness(self) -> list[Entity]:
        entities = []
        for i in range(ROUGHNESS_SENSORS):
            self.acceleration[i] = _walk(self.rng, self.acceleration[i], 0.15, 5.07, 6.07)
            self.roughness[i] = _walk(self.rng, self.roughness[i], 0.12, 1.25, 2.25)
            entities.append(
                {
                    "id": urn("RoughnessEstimate", str(i + 1)),
                    "type": "RoughnessEstimate",
                    "acceleration": _attr("Number", round(self.acceleration[i], 4)),
                    "roughness": _attr("Number", round(self.roughness[i], 4)),
                }
            )
        return entities

    def _inspections(self) -> list[Entity]:
        entities = []
        for i in range(INSPECTION_CAMERAS):
            area = round(self.rng.betavariate(2, 3), 4)
            entities.append(
                {
                    "id": urn("inspection_demo", str(i + 1)),
                    "type": "inspection_demo",
                    "area": _attr("Number", area),
                    # true means "defect likely", as the original producer set it.
                    "okay": _attr("Boolean", area >= 0.4),
                }
            )
        return entities

    def _item_suffix(self, moment: datetime) -> str:
        return f"item-{moment:%Y%m%d%H%M%S}-{self.ticks}"

    def _conformance(self, threshold: float) -> float:
        """A conformance indicator for an item whose spec threshold is ``threshold``."""
        if self.rng.random() < SCRAP_SHARE:
            # Strictly above the threshold, up to 1 (certain scrap).
            return round(threshold + (1 - threshold) * self.rng.uniform(0.02, 1.0), 4)
        # Conforming items sit mostly well under the threshold (mean about a third of it).
        return round(threshold * self.rng.betavariate(2, 4), 4)

    def _raw_material(self, moment: datetime) -> Entity:
        indicator = self._conformance(RAW_MATERIAL_THRESHOLD)
        return {
            "id": urn("raw_material", self._item_suffix(moment)),
            "type": "raw_material",
            "okay": _attr("Boolean", indicator <= RAW_MATERIAL_THRESHOLD),
            "conformance_indicator": _attr("Number", indicator),
        }

    def _tweezers(self, moment: datetime) -> Entity:
        spec = round(self.rng.choice([0.3, 0.35, 0.4]), 2)
        indicator = self._conformance(spec)
        return {
            "id": urn("tweezers_measurement", self._item_suffix(moment)),
            "type": "tweezers_measurement",
            "okay": _attr("Boolean", indicator <= spec),
            "conformance_indicator": _attr("Number", indicator),
            "spec": _attr("Text", f"{spec:.2f}"),
        }

    def _workers(self, moment: datetime) -> list[Entity]:
        entities = []
        for i in range(WORKERS):
            self.fatigue[i] = _walk(self.rng, self.fatigue[i] + 0.05, 0.4, 0.0, 10.0)
            entities.append(
                {
                    "id": urn("Worker", f"w{i + 1}"),
                    "type": "Worker",
                    "workerStates": _attr(
                        "WorkerStatesProperties",
                        {
                            "fatigue": {
                                "level": {"type": "Number", "value": round(self.fatigue[i], 2)},
                                "timestamp": {
                                    "dateTime": iso(moment),
                                    "format": "ISO",
                                    "timezoneId": "UTC",
                                },
                            }
                        },
                    ),
                    "productionLine": _attr("Text", f"Line{i % LINES + 1}"),
                }
            )
        return entities

    def _interventions(self, moment: datetime) -> list[Entity]:
        # The first tick has one of each, so the board has something to show at once.
        first = self.ticks == 0
        entities = []
        if first or self.rng.random() < INTERVENTION_CHANCE:
            old, new = self.rng.sample(range(1, LINES + 1), 2)
            entities.append(
                {
                    "id": urn("TaskAssignment", "1"),
                    "type": "TaskAssignment",
                    "creationTimestamp": _attr("DateTime", iso(moment)),
                    "oldTask": _attr("Text", f"Line{old}"),
                    "newTask": _attr("Text", f"Line{new}"),
                    "additionalParameters": _attr(
                        "StructuredValue", {"numberOfWorkers": self.rng.randint(1, 3)}
                    ),
                }
            )
        if first or self.rng.random() < INTERVENTION_CHANCE:
            entities.append(
                {
                    "id": urn("TaskExecution", "1"),
                    "type": "TaskExecution",
                    "creationTimestamp": _attr("DateTime", iso(moment)),
                    "taskName": _attr("Text", "Keep the current configuration"),
                    "additionalParameters": _attr("StructuredValue", {}),
                }
            )
        return entities

    def _insights(self) -> list[Entity]:
        entities = []
        for number, insight in enumerate(_INSIGHTS, start=1):
            best = self.kpis[number - 1]
            results = {
                "KPI_name": [name for name, _, _ in insight],
                "features_names": [features for _, _, features in insight],
                "features_values": [
                    [round(self.rng.uniform(0.05, 20.0), 3) for _ in features]
                    for _, _, features in insight
                ],
                "KPI_best": [f"{value:.2f}" for value in best],
            }
            entities.append(
                {
                    "id": urn("Insights", str(number)),
                    "type": "Insights",
                    "Results": _attr("StructuredValue", results),
                }
            )
        return entities

    def _insight_kpis(self) -> list[Entity]:
        entities = []
        for number, insight in enumerate(_INSIGHTS, start=1):
            for position, (name, best, _) in enumerate(insight):
                value = best * self.rng.uniform(0.9, 1.1)
                self.kpis[number - 1][position] = max(self.kpis[number - 1][position], value)
                entities.append(
                    {
                        "id": urn("InsightKPI", f"{number}:{name}"),
                        "type": "InsightKPI",
                        "insightId": _attr("Text", urn("Insights", str(number))),
                        "kpi": _attr("Text", name),
                        "value": _attr("Number", round(value, 3)),
                    }
                )
        return entities
