"""Settings of the stand-in servers and the generator (env prefix ``DAZZLER_SIM_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from settings_cli.logs import LogFormat


class Settings(BaseSettings):
    """Everything `python -m sim` can be told; CLI options override these."""

    model_config = SettingsConfigDict(env_prefix="DAZZLER_SIM_", extra="ignore")

    host: str = Field("127.0.0.1", description="Interface the stand-in servers bind to.")
    ql_port: int = Field(8668, description="Port of the QuantumLeap stand-in.")
    orion_port: int = Field(1026, description="Port of the Orion stand-in.")
    dialect: Literal["1.0.0", "1.0.1"] = Field(
        "1.0.0",
        description="QL response dialect: 1.0.0 (entityId/entityType, 404 when empty) or "
        "1.0.1 (id/type, 200 [] when empty).",
    )
    log_level: Literal["critical", "error", "warning", "info", "debug"] = Field(
        "info", description="Log level of the servers and the generator."
    )
    log_format: LogFormat = Field(
        "text", description="'text' (one readable line) or 'json' (one object a line)."
    )
    store: str = Field(
        "memory", description="Where the QL stand-in keeps rows: 'memory' or 'sqlite:PATH'."
    )
    notify_queue_size: int = Field(
        1000, ge=1, description="Pending Orion notifications kept before new ones are dropped."
    )
    notify_workers: int = Field(4, ge=1, description="Concurrent Orion notification senders.")
    notify_timeout: float = Field(5.0, gt=0, description="Seconds per notification POST.")

    ql_url: str = Field("http://127.0.0.1:8668", description="QuantumLeap the generator feeds.")
    orion_url: str = Field("http://127.0.0.1:1026", description="Orion the generator feeds.")
    ql_notify_url: str | None = Field(
        None,
        description="URL Orion posts notifications to (orion mode); defaults to "
        "<ql_url>/v2/notify. Set it when Orion reaches QL under another name.",
    )
    tenants: str = Field("demo", description="Comma-separated FIWARE services to generate for.")
    registry_url: str | None = Field(
        None,
        description="Tenant registry to follow instead of TENANTS: every enabled tenant it "
        "lists is fed, in its own FIWARE service and path; new, disabled and removed tenants "
        "are noticed within REGISTRY_POLL seconds.",
    )
    registry_poll: float = Field(
        3.0, gt=0, description="Seconds between reads of the registry's tenant list."
    )
    service_path: str = Field("/", description="Fiware-ServicePath of the generated entities.")
    interval: float = Field(5.0, gt=0, description="Seconds between generator ticks.")
    mode: Literal["ql", "orion"] = Field(
        "ql",
        description="'ql': notify QL directly (Insights still go to Orion); 'orion': write "
        "everything to Orion and let a subscription forward it to QL.",
    )
    ticks: int | None = Field(None, ge=1, description="Stop after this many ticks (default: run).")
    seed: int | None = Field(None, description="Random seed, for reproducible values.")
    timeout: float = Field(10.0, gt=0, description="Generator HTTP timeout in seconds.")

    @field_validator("service_path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"service_path must start with '/', got {value!r}")
        return value

    @property
    def tenant_list(self) -> list[str]:
        """The tenants, lower-cased as FIWARE treats them."""
        return [t.strip().lower() for t in self.tenants.split(",") if t.strip()]

    @property
    def notify_url(self) -> str:
        """Where an Orion subscription should send notifications for QL."""
        return self.ql_notify_url or self.ql_url.rstrip("/") + "/v2/notify"


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once."""
    return Settings()
