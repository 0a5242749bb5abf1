"""Writes made by another process (the CLI) reach a running server's cache within a second,
through the change log, with no Redis; the change endpoint gateways poll; bounded cache."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from registry.cli import app
from registry.stores import MemoryStore
from typer.testing import CliRunner

pytestmark = pytest.mark.integration


def run_cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def sqlite_env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("REDIS_URL")}
    return {
        **env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}",
        "DAZZLER_REGISTRY_PORT": str(port),
        # Long enough that only the change log can explain a quick 404.
        "DAZZLER_REGISTRY_CACHE_TTL_SECONDS": "600",
        "DAZZLER_REGISTRY_NEGATIVE_CACHE_SECONDS": "600",
    }


@pytest.fixture
def sqlite_server(sqlite_env: dict[str, str], port: int, tmp_path: Path) -> Iterator[httpx.Client]:
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "registry", "serve"],
        env=sqlite_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        for _ in range(300):
            try:
                if client.get("/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.1)
        yield client
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _status_within(client: httpx.Client, path: str, expected: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    status = client.get(path).status_code
    while status != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        status = client.get(path).status_code
    return status


def test_cli_writes_reach_a_running_server_without_redis(
    sqlite_server: httpx.Client, sqlite_env: dict[str, str]
) -> None:
    run_cli(sqlite_env, "tenants", "add", "acme")
    run_cli(sqlite_env, "boards", "grant", "acme", "fams")
    start = sqlite_server.get("/v1/changes").json()["generation"]
    # Cached in the server for the whole (long) TTL from here on.
    assert sqlite_server.get("/v1/routes/acme").status_code == 200
    assert sqlite_server.get("/v1/routes/globex").status_code == 404

    run_cli(sqlite_env, "boards", "revoke", "acme", "fams")
    assert _status_within(sqlite_server, "/v1/resolve/acme/fams/x", 404, 1.0) == 404
    run_cli(sqlite_env, "tenants", "disable", "acme")
    assert _status_within(sqlite_server, "/v1/routes/acme", 404, 1.0) == 404
    run_cli(sqlite_env, "tenants", "add", "globex")
    assert _status_within(sqlite_server, "/v1/routes/globex", 200, 1.0) == 200

    changes = sqlite_server.get("/v1/changes", params={"after": start}).json()
    assert changes["tenants"] == ["acme", "globex"]
    assert changes["generation"] == start + 3


def test_a_reader_asking_for_a_generation_sees_it_at_once(
    sqlite_server: httpx.Client, sqlite_env: dict[str, str]
) -> None:
    run_cli(sqlite_env, "tenants", "add", "acme")
    assert sqlite_server.get("/v1/routes/acme").status_code == 200
    run_cli(sqlite_env, "tenants", "disable", "acme")
    generation = sqlite_server.get("/v1/changes").json()["generation"]

    answer = sqlite_server.get("/v1/routes/acme", params={"generation": generation})

    assert answer.status_code == 404


def test_change_endpoint_answers_unknown_generations_and_refuses_bad_ones(
    sqlite_server: httpx.Client, sqlite_env: dict[str, str]
) -> None:
    assert sqlite_server.get("/v1/changes").json() == {"generation": 0, "tenants": []}
    run_cli(sqlite_env, "tenants", "add", "acme")

    assert sqlite_server.get("/v1/changes", params={"after": 1}).json()["tenants"] == []
    # A generation this database never had (it was replaced): drop everything.
    assert sqlite_server.get("/v1/changes", params={"after": 99}).json()["tenants"] == ["*"]
    assert sqlite_server.get("/v1/changes", params={"after": -1}).status_code == 422
    assert sqlite_server.get("/v1/changes", params={"after": "x"}).status_code == 422


def test_memory_store_holds_at_most_its_bound_of_made_up_tenants() -> None:
    store = MemoryStore(max_items=1000)
    for index in range(30_000):
        store.fill(f"routes:ghost{index}", "null", 60, f"generation:ghost{index}", None)
    assert len(store) == 1000
    # The most recent survive; the oldest went first.
    assert store.read("routes:ghost29999", "generation:ghost29999")[0] == "null"
    assert store.read("routes:ghost0", "generation:ghost0")[0] is None
