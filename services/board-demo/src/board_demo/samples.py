"""Sample data for the showcase, made here so the board needs no data source or download.

A seeded generator gives the same figures on every page load and in every test.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

PLANTS = ("North", "South", "East", "West")
_SEED = 20261127


@dataclass(frozen=True, slots=True)
class DailyOutput:
    """Parts produced per plant per day."""

    days: tuple[date, ...]
    parts: dict[str, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Batch:
    """One production batch: how long it took, how much energy it used, how big it was."""

    plant: str
    cycle_minutes: float
    energy_kwh: float
    size: int


def daily_output(days: int = 60, start: date = date(2026, 1, 5)) -> DailyOutput:
    """A trend with a weekly rhythm and noise per plant, over ``days`` days."""
    rng = random.Random(_SEED)
    calendar = tuple(start + timedelta(days=i) for i in range(days))
    parts: dict[str, tuple[int, ...]] = {}
    for k, plant in enumerate(PLANTS):
        base = 800 + 150 * k
        parts[plant] = tuple(
            max(
                0,
                round(
                    base
                    + 2.5 * i
                    + 90 * math.sin(2 * math.pi * day.weekday() / 7)
                    + rng.gauss(0, 40)
                ),
            )
            for i, day in enumerate(calendar)
        )
    return DailyOutput(calendar, parts)


def batches(count: int = 240) -> tuple[Batch, ...]:
    """Batches whose energy grows with size and cycle time, plus noise."""
    rng = random.Random(_SEED + 1)
    made: list[Batch] = []
    for i in range(count):
        plant = PLANTS[i % len(PLANTS)]
        size = rng.randint(20, 400)
        cycle = max(5.0, rng.gauss(35 + size / 20, 6))
        energy = max(1.0, 0.8 * cycle + 0.05 * size + rng.gauss(0, 4))
        made.append(Batch(plant, round(cycle, 1), round(energy, 1), size))
    return tuple(made)
