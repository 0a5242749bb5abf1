"""Settings come from the environment; the shared secret has no default."""

from __future__ import annotations

import pytest
from gateway.config import Settings
from pydantic import ValidationError


@pytest.fixture(autouse=True)
def anonymous_allowed(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DAZZLER_GATEWAY_ALLOW_ANONYMOUS", "true")
    monkeypatch.delenv("DAZZLER_GATEWAY_OIDC_ENABLED", raising=False)
    return monkeypatch


def test_refuses_to_start_without_authentication_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DAZZLER_GATEWAY_ALLOW_ANONYMOUS")
    with pytest.raises(ValidationError, match="DAZZLER_GATEWAY_ALLOW_ANONYMOUS=true"):
        Settings(shared_secret="x" * 32)
    monkeypatch.setenv("DAZZLER_GATEWAY_ALLOW_ANONYMOUS", "false")
    with pytest.raises(ValidationError, match="authentication is off"):
        Settings(shared_secret="x" * 32)
    monkeypatch.setenv("DAZZLER_GATEWAY_OIDC_ENABLED", "true")
    assert Settings(shared_secret="x" * 32).allow_anonymous is False


def test_metrics_listen_on_loopback_port_9000_by_default() -> None:
    settings = Settings(shared_secret="x" * 32)
    assert (settings.metrics_host, settings.metrics_port) == ("127.0.0.1", 9000)
    assert (settings.cache_max_tenants, settings.change_poll_interval) == (10_000, 0.5)


def test_secret_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAZZLER_SHARED_SECRET", raising=False)
    with pytest.raises(ValidationError, match="shared_secret"):
        Settings()


def test_environment_sets_upstreams_and_defaults_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAZZLER_SHARED_SECRET", "x" * 32)
    monkeypatch.setenv("DAZZLER_GATEWAY_UPSTREAMS", '{"board-demo": ["http://board-demo:8105"]}')
    settings = Settings()
    assert settings.upstreams == {"board-demo": ["http://board-demo:8105"]}
    assert (settings.port, settings.cache_ttl, settings.stale_limit) == (8000, 5.0, 300.0)
    assert settings.max_body_bytes == 10 * 1024 * 1024
    assert settings.oidc_enabled is False


def test_bad_upstream_url_names_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAZZLER_GATEWAY_UPSTREAMS", '{"board-demo": ["board-demo:8105"]}')
    with pytest.raises(ValidationError, match="board-demo"):
        Settings(shared_secret="x" * 32)


@pytest.fixture
def no_redis_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DAZZLER_SHARED_SECRET", "x" * 32)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("DAZZLER_GATEWAY_REDIS_URL", raising=False)
    return monkeypatch


def test_plain_redis_url_configures_change_notices(no_redis_env: pytest.MonkeyPatch) -> None:
    assert Settings().redis_url == ""
    no_redis_env.setenv("REDIS_URL", "redis://redis.example:6379/0")
    assert Settings().redis_url == "redis://redis.example:6379/0"


def test_prefixed_redis_url_wins_over_plain(no_redis_env: pytest.MonkeyPatch) -> None:
    no_redis_env.setenv("REDIS_URL", "redis://shared:6379/0")
    no_redis_env.setenv("DAZZLER_GATEWAY_REDIS_URL", "redis://gateway-only:6379/2")
    assert Settings().redis_url == "redis://gateway-only:6379/2"
    assert Settings(redis_url="redis://given:6379/0").redis_url == "redis://given:6379/0"
