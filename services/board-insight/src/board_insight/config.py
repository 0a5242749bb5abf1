"""Settings of the insight board service (``DAZZLER_INSIGHT_*``, then the common
``DAZZLER_BOARD_*``)."""

from __future__ import annotations

from functools import lru_cache

from boardkit import BoardSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(BoardSettings):
    """The insight service: the kit's settings plus the KPI history window."""

    model_config = SettingsConfigDict(env_prefix="DAZZLER_INSIGHT_", extra="ignore")

    port: int = Field(default=8104, ge=0, le=65535, description="TCP port uvicorn binds to.")
    kpi_window_minutes: float = Field(
        default=60.0,
        gt=0,
        le=7 * 24 * 60,
        description="Minutes of measured KPI history the insight-preview board draws.",
    )


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once."""
    return Settings()
