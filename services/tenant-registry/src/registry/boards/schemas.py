"""Board grant requests and responses, and the per-board settings rules."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from registry.types import BoardSlug, MountPath, ServicePath

MAX_SETTINGS_BYTES = 16_384

FiniteNumber = Annotated[float, Field(allow_inf_nan=False)]


class BoardSettings(BaseModel):
    """Settings a board receives in its tenant context.

    Known keys are checked; any other key is kept as long as its value is JSON.
    """

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)
    __pydantic_extra__: dict[str, JsonValue] = Field(init=False)

    service_path: ServicePath | None = Field(
        default=None, description="Overrides the tenant's service path for this board."
    )
    refresh_seconds: int | None = Field(
        default=None, ge=1, le=3600, strict=True, description="How often the board polls."
    )
    thresholds: dict[str, FiniteNumber] | None = Field(
        default=None, description="Named numeric limits, e.g. {'roughness_max': 3.2}."
    )

    @model_validator(mode="after")
    def _plain_bounded_json(self) -> BoardSettings:
        try:
            encoded = json.dumps(self.stored(), allow_nan=False)
        except ValueError as exc:
            raise ValueError("settings must be plain JSON (no NaN or Infinity)") from exc
        if len(encoded) > MAX_SETTINGS_BYTES:
            raise ValueError(f"settings must be at most {MAX_SETTINGS_BYTES} bytes of JSON")
        return self

    def stored(self) -> dict[str, Any]:
        """The JSON object kept in the database: unset known keys are left out."""
        return self.model_dump(mode="json", exclude_none=True)


class GrantCreate(BaseModel):
    """Grant a catalogue board to a tenant."""

    model_config = ConfigDict(extra="forbid")

    board: BoardSlug
    mount_path: MountPath | None = Field(
        default=None, description="Defaults to the board slug; empty mounts at the home."
    )
    settings: BoardSettings = Field(default_factory=BoardSettings)
    enabled: bool = True


class GrantUpdate(BaseModel):
    """Change a grant; omitted fields stay as they are, ``settings`` replaces them all."""

    model_config = ConfigDict(extra="forbid")

    mount_path: MountPath | None = None
    settings: BoardSettings | None = None
    enabled: bool | None = None


class GrantRead(BaseModel):
    """A board a tenant has been granted."""

    model_config = ConfigDict(from_attributes=True)

    board: str
    mount_path: str
    settings: dict[str, Any]
    enabled: bool
    created_at: datetime
    updated_at: datetime
