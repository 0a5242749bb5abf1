"""A stand-in for ngsi's EntitySeries in board unit tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Series:
    """Stands where ngsi's EntitySeries stands: a time index and aligned columns."""

    index: Sequence[datetime]
    attributes: Mapping[str, Sequence[Any]] = field(default_factory=dict)
