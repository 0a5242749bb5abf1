"""The gateway's settings, read from ``DAZZLER_GATEWAY_*`` and ``DAZZLER_SHARED_SECRET``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from settings_cli.logs import LogFormat

# The ports `make run` gives the boards (docs/architecture.md).
_DEFAULT_UPSTREAMS: dict[str, list[str]] = {
    "board-roughnator": ["http://127.0.0.1:8101"],
    "board-sleuth": ["http://127.0.0.1:8102"],
    "board-fams": ["http://127.0.0.1:8103"],
    "board-insight": ["http://127.0.0.1:8104"],
    "board-demo": ["http://127.0.0.1:8105"],
    "board-monitor": ["http://127.0.0.1:8106"],
}


class Settings(BaseSettings):
    """Everything the gateway can be told; see docs/gateway.md."""

    model_config = SettingsConfigDict(
        env_prefix="DAZZLER_GATEWAY_", populate_by_name=True, extra="ignore"
    )

    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port the server listens on.")
    workers: int = Field(
        1,
        ge=1,
        description="Server processes sharing the port. Each keeps its own route cache, "
        "signature cache and Redis subscriber; /metrics sums all of them. One per core is "
        "the production choice (2 on a 2-core machine).",
    )
    registry_url: str = Field(
        "http://127.0.0.1:8001", description="Base URL of the tenant registry's read API."
    )
    redis_url: str = Field(
        "",
        # Plain REDIS_URL is the registry's too: one variable points both at the Redis
        # whose change notices the gateway must hear. The prefixed name wins when both
        # are set.
        validation_alias=AliasChoices("DAZZLER_GATEWAY_REDIS_URL", "REDIS_URL"),
        description="Redis URL for registry change notices (DAZZLER_GATEWAY_REDIS_URL, or "
        "REDIS_URL); empty means no Redis, and cached routes then live only for "
        "cache_ttl seconds.",
    )
    upstreams: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in _DEFAULT_UPSTREAMS.items()},
        description="JSON object: board service name (the catalogue's `service`) to its "
        "base URLs. A host name resolving to several addresses counts as several replicas.",
    )
    cache_ttl: float = Field(
        5.0, gt=0, description="Seconds a tenant's routes are reused before asking again."
    )
    cache_max_tenants: int = Field(
        10_000,
        ge=1,
        description="Most tenants whose routes (or absence) a worker remembers; the least "
        "recently used go first, so made-up tenant names cannot grow memory.",
    )
    change_poll_interval: float = Field(
        0.5,
        gt=0,
        description="Seconds between asking the registry's /v1/changes which tenants "
        "changed; revocation takes effect within about this long even without Redis.",
    )
    allow_anonymous: bool = Field(
        False,
        description="Serve without OIDC authentication. The gateway refuses to start with "
        "OIDC off unless this says so; `make run` and the tests set it.",
    )
    metrics_host: str = Field(
        "127.0.0.1",
        description="Address of the internal /metrics listener (it names tenants and "
        "boards, so never the public one).",
    )
    metrics_port: int = Field(
        9000,
        ge=0,
        le=65535,
        description="Port of the internal /metrics listener; every worker's counts summed.",
    )
    stale_limit: float = Field(
        300.0,
        ge=0,
        description="Seconds a known decision is still served while the registry is unreachable.",
    )
    registry_timeout: float = Field(2.0, gt=0, description="Seconds to wait for the registry.")
    connect_timeout: float = Field(
        2.0, gt=0, description="Seconds to wait for a connection to a board replica."
    )
    upstream_timeout: float = Field(
        60.0,
        gt=0,
        description="Seconds to wait for a board replica to send the next piece of its "
        "answer; past it the client gets 504.",
    )
    replica_cooldown: float = Field(
        5.0, gt=0, description="Seconds a replica that refused a connection is skipped."
    )
    dns_refresh: float = Field(
        10.0, gt=0, description="Seconds between re-resolving upstream host names."
    )
    max_body_bytes: int = Field(
        10 * 1024 * 1024, ge=0, description="Largest request body accepted (413 beyond)."
    )
    max_head_bytes: int = Field(
        32 * 1024,
        ge=1024,
        description="Largest request head (request line and headers) accepted; past it "
        "the client gets 431 and the connection is closed.",
    )
    header_timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds a connection may take to send a complete request head, from "
        "connecting or from the end of the previous answer; past it the connection is closed.",
    )
    keep_alive_timeout: int = Field(
        5,
        ge=1,
        description="Seconds an idle keep-alive client connection stays open (uvicorn's "
        "timeout_keep_alive).",
    )
    max_connections: int = Field(
        1024,
        ge=1,
        description="Client connections one worker keeps open at once; past it a new "
        "connection gets 503 with Retry-After and is closed.",
    )
    max_connections_per_client: int = Field(
        128,
        ge=1,
        description="Client connections one worker keeps open per client address; past it "
        "that address's new connections get 503 with Retry-After.",
    )
    oidc_enabled: bool = Field(
        False, description="Require a bearer JWT whose tenant claim matches the path tenant."
    )
    oidc_jwks: str = Field(
        "",
        description="The JWKS that signs tokens: a file path, the JSON itself, or the "
        "issuer's http(s) URL of it (read once at start-up).",
    )
    oidc_issuer: str = Field("", description="Required `iss` claim; empty means not checked.")
    oidc_audience: str = Field("", description="Required `aud` claim; empty means not checked.")
    oidc_algorithms: list[str] = Field(
        default_factory=lambda: ["RS256"], description="Accepted JWT signature algorithms."
    )
    oidc_tenant_claim: str = Field("tenant", description="Claim that names the token's tenant.")
    oidc_leeway: float = Field(30.0, ge=0, description="Seconds of clock skew allowed.")
    log_level: str = Field("info", description="Level of the server's log.")
    log_format: LogFormat = Field(
        "text", description="'text' (one readable line) or 'json' (one object a line)."
    )
    shared_secret: SecretStr = Field(
        validation_alias=AliasChoices("shared_secret", "DAZZLER_SHARED_SECRET"),
        description="HMAC secret shared with the boards to sign the tenant context.",
    )

    @model_validator(mode="after")
    def _require_authentication(self) -> Settings:
        if not self.oidc_enabled and not self.allow_anonymous:
            raise ValueError(
                "authentication is off: set DAZZLER_GATEWAY_OIDC_ENABLED=true (with "
                "DAZZLER_GATEWAY_OIDC_JWKS), or DAZZLER_GATEWAY_ALLOW_ANONYMOUS=true to "
                "serve every tenant's boards to anyone who can reach the gateway"
            )
        return self

    @field_validator("registry_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("upstreams")
    @classmethod
    def _check_upstreams(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for service, urls in value.items():
            for url in urls:
                if not url.startswith(("http://", "https://")):
                    raise ValueError(
                        f"DAZZLER_GATEWAY_UPSTREAMS[{service!r}]: {url!r} is not an http(s) URL"
                    )
        return value

    @field_validator("shared_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("DAZZLER_SHARED_SECRET must be at least 16 characters")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings read from the environment (once per process)."""
    return Settings()
