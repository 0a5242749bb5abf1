"""The spec of an entity monitor: a board described by data instead of code.

The registry validates specs with these models (and publishes their JSON schema); the
gateway carries the stored spec to the board in the signed context's settings under
:data:`MONITOR_SETTING`; the monitor board reads it back with the same models. One model,
so what the registry accepts is exactly what the board can draw.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MONITOR_BOARD = "monitor"
MONITOR_SETTING = "monitor"
# The spec travels in a header with every request; keep it well under proxies' header limits.
MAX_SPEC_BYTES = 4096

ChartKind = Literal["line", "bar", "scatter"]
DefaultWindow = Literal["last_n", "15m", "1h", "24h"]

# NGSI attribute and type names as QuantumLeap stores them (column and table names).
NGSI_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"

Colour = Annotated[
    str,
    Field(
        pattern=r"^#[0-9A-Fa-f]{6}$",
        description="A CSS hex colour, e.g. '#1f77b4'.",
        examples=["#1f77b4"],
    ),
]
FiniteNumber = Annotated[float, Field(allow_inf_nan=False)]


class Threshold(BaseModel):
    """A horizontal line across the attribute's chart: a limit worth noticing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: FiniteNumber = Field(description="Where the line is drawn, in the attribute's unit.")
    label: str = Field(default="", max_length=40, description="Text beside the line.")
    color: Colour = Field(default="#d62728", description="Colour of the line.")


class MonitoredAttribute(BaseModel):
    """One numeric attribute of the entity type, drawn as one chart."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        pattern=NGSI_NAME_PATTERN,
        description="The NGSI attribute name, as stored in QuantumLeap.",
        examples=["temperature"],
    )
    label: str = Field(
        default="", max_length=60, description="What viewers read; the name when empty."
    )
    unit: str = Field(default="", max_length=20, description="Shown on the axis, e.g. '°C'.")
    color: Colour | None = Field(
        default=None, description="Colour of the series; the board's palette when absent."
    )
    thresholds: list[Threshold] = Field(default_factory=list, max_length=4)

    @property
    def display_label(self) -> str:
        """The label, or the attribute name when no label was given."""
        return self.label or self.name


class MonitorSpec(BaseModel):
    """What an entity monitor shows: one entity type, a few attributes, one chart kind."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="MonitorSpec",
        json_schema_extra={
            "examples": [
                {
                    "title": "Machine telemetry",
                    "entity_type": "MachineTelemetry",
                    "attributes": [
                        {
                            "name": "temperature",
                            "label": "Temperature",
                            "unit": "°C",
                            "thresholds": [{"value": 80, "label": "hot", "color": "#d62728"}],
                        }
                    ],
                    "chart": "line",
                    "default_window": "1h",
                }
            ]
        },
    )

    title: str = Field(min_length=1, max_length=80, description="The board's heading.")
    description: str = Field(
        default="", max_length=1000, description="Markdown shown in 'About this board'."
    )
    entity_type: str = Field(
        pattern=NGSI_NAME_PATTERN,
        description="The NGSI entity type to list and chart.",
        examples=["MachineTelemetry"],
    )
    attributes: list[MonitoredAttribute] = Field(min_length=1, max_length=8)
    chart: ChartKind = Field(default="line", description="How every attribute is drawn.")
    default_window: DefaultWindow = Field(
        default="last_n", description="The window the page opens with."
    )
    default_last_n: int = Field(
        default=100, ge=1, le=5000, description="Points per entity for the 'last N' window."
    )
    current_values: bool = Field(
        default=False, description="Show each attribute's current value from Orion as cards."
    )

    @model_validator(mode="after")
    def _distinct_and_small(self) -> MonitorSpec:
        names = [attribute.name for attribute in self.attributes]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"attribute names must be distinct; repeated: {', '.join(repeated)}")
        size = len(self.stored_json())
        if size > MAX_SPEC_BYTES:
            raise ValueError(f"the spec is {size} bytes of JSON; at most {MAX_SPEC_BYTES} fit")
        return self

    def stored(self) -> dict[str, Any]:
        """The normalised spec as plain JSON (every default filled in)."""
        return self.model_dump(mode="json")

    def stored_json(self) -> str:
        """:meth:`stored` encoded compactly, as it travels in the signed context."""
        return json.dumps(self.stored(), separators=(",", ":"), ensure_ascii=False)


def monitor_json_schema() -> dict[str, Any]:
    """The published JSON schema of :class:`MonitorSpec` (what the registry serves)."""
    schema = MonitorSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
