"""Monitor requests and responses; the spec itself is ``tenant_context.MonitorSpec``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from tenant_context import BOARD_CATALOGUE, BOARD_SLUG_RE, MonitorSpec, validate_board_slug


def _validate_monitor_slug(value: str) -> str:
    validate_board_slug(value)
    if value in BOARD_CATALOGUE:
        # A monitor at /roughnator would hide that board's usual address.
        raise ValueError(f"{value!r} is a catalogue board's slug; choose another name")
    return value


MonitorSlug = Annotated[
    str,
    Field(
        description="The monitor's mount path under the tenant; not a catalogue board slug.",
        examples=["machines"],
        pattern=BOARD_SLUG_RE.pattern,
    ),
    AfterValidator(_validate_monitor_slug),
]


class MonitorCreate(BaseModel):
    """Add an entity monitor to a tenant."""

    model_config = ConfigDict(extra="forbid")

    slug: MonitorSlug
    spec: MonitorSpec
    enabled: bool = True


class MonitorUpdate(BaseModel):
    """Change a monitor; omitted fields stay as they are, ``spec`` replaces the whole spec."""

    model_config = ConfigDict(extra="forbid")

    spec: MonitorSpec | None = None
    enabled: bool | None = None


class MonitorPreview(BaseModel):
    """A spec to check without storing it."""

    model_config = ConfigDict(extra="forbid")

    spec: MonitorSpec


class MonitorRead(BaseModel):
    """A stored monitor; ``spec`` is normalised (every default filled in)."""

    model_config = ConfigDict(from_attributes=True)

    slug: str
    spec: dict[str, Any]
    enabled: bool
    created_at: datetime
    updated_at: datetime


class PreviewRead(BaseModel):
    """What ``preview`` found: the normalised spec, and the path it would be served at."""

    slug: str
    spec: dict[str, Any]
    mount_path_free: bool = Field(
        description="False when another board or monitor of the tenant has this path."
    )
    exists: bool = Field(description="True when the tenant already has a monitor at this slug.")
