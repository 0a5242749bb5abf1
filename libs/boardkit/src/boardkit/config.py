"""Settings every board service shares.

A service subclasses :class:`BoardSettings` to change defaults (its port) and its own
environment prefix; the common ``DAZZLER_BOARD_*`` variables still apply underneath, so
``DAZZLER_ROUGHNATOR_PORT`` wins over ``DAZZLER_BOARD_PORT``, which wins over the default.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from settings_cli.logs import LogFormat

COMMON_ENV_PREFIX = "DAZZLER_BOARD_"


class BoardSettings(BaseSettings):
    """Settings of one board service process (which serves every tenant)."""

    model_config = SettingsConfigDict(env_prefix=COMMON_ENV_PREFIX, extra="ignore")

    host: str = Field(default="127.0.0.1", description="Interface uvicorn binds to.")
    port: int = Field(default=8100, ge=0, le=65535, description="TCP port uvicorn binds to.")
    shared_secret: SecretStr = Field(
        validation_alias=AliasChoices("DAZZLER_SHARED_SECRET", "shared_secret"),
        description="HMAC secret shared with the gateway to verify the tenant context.",
    )
    context_max_age: float = Field(
        default=60.0, gt=0, description="Seconds a signed tenant context stays valid."
    )
    ql_url: str = Field(
        default="http://127.0.0.1:8668", description="Base URL of QuantumLeap (time series)."
    )
    orion_url: str = Field(
        default="http://127.0.0.1:1026", description="Base URL of Orion (current state)."
    )
    ql_timeout: float = Field(
        default=4.0,
        gt=0,
        description="Seconds a QuantumLeap call may take; kept below the poll interval so a "
        "slow QL shows as 'unavailable' instead of piling up requests.",
    )
    redis_url: str = Field(
        default="",
        description="Redis URL for the shared poller cache; empty keeps the cache in-process.",
    )
    redis_timeout: float = Field(
        default=0.5,
        gt=0,
        description="Seconds a Redis call may take before the cache falls back to in-process.",
    )
    redis_retry_seconds: float = Field(
        default=3.0,
        gt=0,
        description="While Redis is down, how often the cache tries it again.",
    )
    refresh_seconds: float = Field(
        default=5.0,
        gt=0,
        description="Default poll interval; a board's own setting refresh_seconds overrides it.",
    )
    entity_refresh_seconds: float = Field(
        default=30.0, gt=0, description="How often the entity picker looks for new entities."
    )
    max_points: int = Field(
        default=5000, ge=10, description="Most points one trace keeps in the browser."
    )
    cache_max_entries: int = Field(
        default=2000,
        ge=10,
        description="Most query windows the in-process cache holds (oldest dropped first).",
    )
    push_poll_seconds: float = Field(
        default=0.5,
        gt=0,
        le=60,
        description="How often the push hub asks QuantumLeap for new points of each series "
        "someone watches (one query per series whatever the number of viewers).",
    )
    push_notify_url: str = Field(
        default="",
        description="Base URL at which Orion reaches this replica, each replica its own "
        "(e.g. http://{ip}:8101, where {ip} stands for the address the replica's host name "
        "resolves to). Set, a watched live series also subscribes to Orion and is asked for "
        "at once when Orion notifies a change; empty, series are only polled.",
    )
    push_notified_poll_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="While Orion notifies a series' changes, how often QuantumLeap is "
        "still polled for it (a safety net; each notification is asked for at once).",
    )
    push_queue_frames: int = Field(
        default=64,
        ge=1,
        description="Frames one push stream may have waiting; past it the viewer's backlog "
        "is replaced by one reset (the page redraws) so a slow viewer delays no one.",
    )
    push_replay_seconds: float = Field(
        default=120.0,
        gt=0,
        description="How far back a reconnecting push stream is caught up point by point; "
        "older gaps get a reset (the page redraws).",
    )
    push_heartbeat_seconds: float = Field(
        default=15.0,
        gt=0,
        description="Seconds between comment lines on an idle push stream (keeps proxies "
        "from timing it out).",
    )
    push_safety_poll_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A panel page's HTTP poll while its push stream is live (a safety "
        "net for what changes with time alone; without push it polls every "
        "refresh_seconds). Live views do not poll while pushed.",
    )
    shutdown_grace_seconds: int = Field(
        default=3,
        ge=1,
        description="Seconds a stopping process gives open requests to finish; push "
        "streams never do, so they are cut then and their pages reconnect elsewhere.",
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
    log_format: LogFormat = Field(
        default="text", description="'text' (one readable line) or 'json' (one object a line)."
    )
    access_log: bool = Field(default=False, description="Log every request (uvicorn).")
    keep_alive_seconds: float = Field(
        default=75.0,
        gt=0,
        description="How long an idle keep-alive connection stays open; longer than any "
        "poll interval, so a poll never races the server closing its connection.",
    )

    @field_validator("ql_url", "orion_url", "push_notify_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if settings_cls.model_config.get("env_prefix") != COMMON_ENV_PREFIX:
            sources.append(EnvSettingsSource(settings_cls, env_prefix=COMMON_ENV_PREFIX))
        return (*sources, dotenv_settings, file_secret_settings)
