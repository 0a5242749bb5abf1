"""Settings of the tenant registry, read from ``DAZZLER_REGISTRY_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from settings_cli.logs import LogFormat

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Everything the registry can be told at start-up."""

    model_config = SettingsConfigDict(env_prefix="DAZZLER_REGISTRY_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/registry.sqlite3",
        validation_alias=AliasChoices("DAZZLER_REGISTRY_DATABASE_URL", "DATABASE_URL"),
        description=(
            "SQLAlchemy URL of the registry database. PostgreSQL "
            "(postgresql://… is used through psycopg 3) in production; the SQLite default, "
            "relative to the working directory, is meant for local runs only."
        ),
    )
    redis_url: str = Field(
        default="",
        validation_alias=AliasChoices("DAZZLER_REGISTRY_REDIS_URL", "REDIS_URL"),
        description=(
            "Redis URL for the shared cache and the change channel; empty means no Redis "
            "(an in-process cache, and no change notifications)."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `serve` listens on.")
    port: int = Field(default=8001, ge=0, le=65535, description="Port `serve` listens on.")
    cache_ttl_seconds: float = Field(
        default=60.0, gt=0, description="Lifetime of a cached tenant routing table."
    )
    cache_jitter: float = Field(
        default=0.1,
        ge=0,
        lt=1,
        description="Random share (±) added to each TTL so that entries do not expire together.",
    )
    negative_cache_seconds: float = Field(
        default=5.0, ge=0, description="How long an unknown or disabled tenant is remembered."
    )
    cache_max_entries: int = Field(
        default=10_000,
        ge=1,
        description="Most keys the in-process cache (no Redis) holds, unknown tenants "
        "included; the least recently used go first.",
    )
    change_check_seconds: float = Field(
        default=0.25,
        gt=0,
        description="How often a read checks the database's change log for writes made by "
        "another process (the CLI, another replica) and drops those tenants from the cache.",
    )
    cache_prefix: str = Field(
        default="dazzler:registry:", description="Prefix of every Redis key the registry writes."
    )
    redis_timeout_seconds: float = Field(
        default=0.25,
        gt=0,
        description="Socket timeout for Redis; short, because PostgreSQL can always answer.",
    )
    redis_retry_seconds: float = Field(
        default=5.0,
        gt=0,
        description="After a Redis failure, how long to use PostgreSQL only before retrying.",
    )
    log_level: LogLevel = Field(default="INFO", description="Log level of the service.")
    log_format: LogFormat = Field(
        default="text", description="'text' (one readable line) or 'json' (one object a line)."
    )

    @field_validator("database_url")
    @classmethod
    def _use_psycopg3(cls, value: str) -> str:
        # SQLAlchemy would pick psycopg2 for a bare postgresql:// URL; only psycopg 3 is
        # installed.
        for scheme in ("postgres://", "postgresql://"):
            if value.startswith(scheme):
                return "postgresql+psycopg://" + value.removeprefix(scheme)
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


@lru_cache
def get_settings() -> Settings:
    """Return the settings read from the environment (once per process)."""
    return Settings()
