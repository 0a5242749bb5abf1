from __future__ import annotations

import json

import pytest
from dazzler_stack import (
    ALL_SERVICES,
    BOARD_SERVICES,
    Backing,
    Layout,
    UnknownService,
    service_env,
    service_spec,
)
from dazzler_stack.config import Settings

BACKING = Backing(
    database_url="postgresql://postgres@127.0.0.1:5432/x",
    shared_secret="s" * 32,
    redis_url="redis://127.0.0.1:6379/3",
)


def test_free_layout_gives_every_socket_its_own_port() -> None:
    layout = Layout.free()
    ports = list(layout.ports.values())
    # Nine services listen (the generator does not); the sim and the gateway on two ports.
    assert len(ports) == len(set(ports)) == 11


def test_free_layout_keeps_fixed_ports() -> None:
    layout = Layout.free(fixed={("gateway", "http"): 18_000})
    assert layout.url("gateway") == "http://127.0.0.1:18000"


def test_default_layout_uses_the_documented_ports() -> None:
    layout = Layout.defaults()
    assert layout.port("gateway") == 8000
    assert layout.port("registry") == 8001
    assert [layout.port(b) for b in BOARD_SERVICES] == [8101, 8102, 8103, 8104, 8105, 8106]
    assert (layout.port("sim", "ql"), layout.port("sim", "orion")) == (8668, 1026)


def test_gateway_is_pointed_at_every_board_and_the_registry() -> None:
    layout = Layout.free()
    env = service_env("gateway", layout, BACKING)
    upstreams = json.loads(env["DAZZLER_GATEWAY_UPSTREAMS"])
    assert upstreams == {board: [layout.url(board)] for board in BOARD_SERVICES}
    assert env["DAZZLER_GATEWAY_REGISTRY_URL"] == layout.url("registry")
    assert env["DAZZLER_GATEWAY_PORT"] == str(layout.port("gateway"))
    assert env["DAZZLER_SHARED_SECRET"] == BACKING.shared_secret


def test_boards_read_the_stand_ins_and_share_the_secret() -> None:
    layout = Layout.free()
    for board in BOARD_SERVICES:
        env = service_env(board, layout, BACKING)
        assert env["DAZZLER_SHARED_SECRET"] == BACKING.shared_secret
        assert layout.url("sim", "ql") in env.values()
        assert layout.url("sim", "orion") in env.values()


def test_registry_gets_the_database_and_redis() -> None:
    env = service_env("registry", Layout.free(), BACKING)
    assert env["DAZZLER_REGISTRY_DATABASE_URL"] == BACKING.database_url
    assert env["DAZZLER_REGISTRY_REDIS_URL"] == BACKING.redis_url


@pytest.mark.parametrize("service", ALL_SERVICES)
def test_every_variable_the_stack_sets_is_a_setting_of_that_service(
    service: str, settings_env_names
) -> None:
    env = service_env(service, Layout.free(), BACKING)
    unknown = {k for k in env if k != "PYTHONUNBUFFERED"} - settings_env_names(service)
    assert unknown == set()


def test_unknown_service_names_the_known_ones() -> None:
    with pytest.raises(UnknownService, match="board-roughnator"):
        service_spec("board-nope")


def test_one_variable_moves_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAZZLER_PORT", "9123")
    monkeypatch.setenv("DAZZLER_STACK_QL_PORT", "9668")
    layout = Settings().layout()
    assert layout.url("gateway") == "http://127.0.0.1:9123"
    assert layout.port("sim", "ql") == 9668
    assert layout.port("registry") == 8001


def test_sqlite_is_the_default_database(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DAZZLER_STACK_DATABASE_URL", raising=False)
    url = Settings(var_dir=tmp_path).registry_database_url()
    assert url == f"sqlite:///{tmp_path.resolve()}/registry.sqlite3"


def test_database_url_points_the_registry_at_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db:5432/dazzler")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    settings = Settings()
    assert settings.registry_database_url() == "postgresql://postgres@db:5432/dazzler"
    assert settings.redis_url == "redis://cache:6379/0"
