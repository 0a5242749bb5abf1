"""Settings of the monitor board service (``DAZZLER_MONITOR_*``, then the common
``DAZZLER_BOARD_*``)."""

from __future__ import annotations

from functools import lru_cache

from boardkit import BoardSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(BoardSettings):
    """The monitor service: the kit's settings with its own port."""

    model_config = SettingsConfigDict(env_prefix="DAZZLER_MONITOR_", extra="ignore")

    port: int = Field(default=8106, ge=0, le=65535, description="TCP port uvicorn binds to.")


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once."""
    return Settings()
