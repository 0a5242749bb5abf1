"""Settings of ``python -m dazzler_stack run``, read from ``DAZZLER_STACK_*`` variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dazzler_stack.wiring import Layout


class Settings(BaseSettings):
    """What `make run` can be told; every port has the documented default."""

    model_config = SettingsConfigDict(env_prefix="DAZZLER_STACK_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address every process listens on.")
    port: int = Field(
        8000,
        ge=0,
        le=65535,
        validation_alias=AliasChoices("DAZZLER_PORT", "DAZZLER_STACK_PORT"),
        description="Port of the gateway, the one URL users open.",
    )
    gateway_metrics_port: int = Field(
        9000, ge=0, le=65535, description="Port of the gateway's internal /metrics listener."
    )
    registry_port: int = Field(8001, ge=0, le=65535, description="Port of the tenant registry.")
    roughnator_port: int = Field(8101, ge=0, le=65535, description="Port of board-roughnator.")
    sleuth_port: int = Field(8102, ge=0, le=65535, description="Port of board-sleuth.")
    fams_port: int = Field(8103, ge=0, le=65535, description="Port of board-fams.")
    insight_port: int = Field(8104, ge=0, le=65535, description="Port of board-insight.")
    demo_port: int = Field(8105, ge=0, le=65535, description="Port of board-demo.")
    monitor_port: int = Field(8106, ge=0, le=65535, description="Port of board-monitor.")
    ql_port: int = Field(8668, ge=0, le=65535, description="Port of the QuantumLeap stand-in.")
    orion_port: int = Field(1026, ge=0, le=65535, description="Port of the Orion stand-in.")
    database_url: str = Field(
        "",
        validation_alias=AliasChoices("DAZZLER_STACK_DATABASE_URL", "DATABASE_URL"),
        description="Registry database (e.g. postgresql://…); empty means a SQLite file "
        "in var_dir.",
    )
    redis_url: str = Field(
        "",
        validation_alias=AliasChoices("DAZZLER_STACK_REDIS_URL", "REDIS_URL"),
        description="Redis shared by the registry, the gateway and the boards; empty means "
        "none (in-process caches).",
    )
    var_dir: Path = Field(
        Path("var"), description="Directory for the SQLite file, relative to the working dir."
    )
    procfile: Path | None = Field(
        None,
        description="The Procfile to run; by default the one at the root of the checkout "
        "(found from the working directory upwards).",
    )
    ready_timeout: float = Field(
        180.0, gt=0, description="Seconds to wait for every service to become ready."
    )

    def layout(self) -> Layout:
        """The port of every socket, as configured."""
        return Layout(
            host=self.host,
            ports={
                ("gateway", "http"): self.port,
                ("gateway", "metrics"): self.gateway_metrics_port,
                ("registry", "http"): self.registry_port,
                ("board-roughnator", "http"): self.roughnator_port,
                ("board-sleuth", "http"): self.sleuth_port,
                ("board-fams", "http"): self.fams_port,
                ("board-insight", "http"): self.insight_port,
                ("board-demo", "http"): self.demo_port,
                ("board-monitor", "http"): self.monitor_port,
                ("sim", "ql"): self.ql_port,
                ("sim", "orion"): self.orion_port,
            },
        )

    def registry_database_url(self) -> str:
        """The configured database, or the SQLite file of local runs (absolute path)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'registry.sqlite3').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings read from the environment (once per process)."""
    return Settings()
