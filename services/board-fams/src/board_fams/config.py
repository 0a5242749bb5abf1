"""Settings of the fatigue board service (``DAZZLER_FAMS_*``, then the common
``DAZZLER_BOARD_*``)."""

from __future__ import annotations

from functools import lru_cache

from boardkit import BoardSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(BoardSettings):
    """The fams service: the kit's settings plus the fatigue windows and defaults."""

    model_config = SettingsConfigDict(env_prefix="DAZZLER_FAMS_", extra="ignore")

    port: int = Field(default=8103, ge=0, le=65535, description="TCP port uvicorn binds to.")
    worker_window_minutes: float = Field(
        default=10.0, gt=0, le=24 * 60, description="Minutes of fatigue history shown."
    )
    intervention_window_hours: float = Field(
        default=24.0,
        gt=0,
        description="How far back to look for the last accepted intervention.",
    )
    connected_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A worker whose latest reading is older than this is not connected.",
    )
    fatigue_limit: float = Field(
        default=7.0,
        ge=0,
        le=10,
        description="Fatigue limit drawn on the figures; a tenant's board setting "
        "fatigue_limit overrides it.",
    )


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once."""
    return Settings()
