"""`python -m registry`: the server as a real process, changed by the CLI from outside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest
from registry.cli import app
from typer.testing import CliRunner

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def run_cli(env, *args, check=True):
    """The CLI in this test process: still a different process from the server."""
    result = CliRunner().invoke(app, list(args), env=env)
    if check:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def cli_env(scratch_database_url, cache_prefix, port):
    return {
        **os.environ,
        "DATABASE_URL": scratch_database_url.replace("postgresql+psycopg", "postgresql"),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DAZZLER_REGISTRY_CACHE_PREFIX": cache_prefix,
        "DAZZLER_REGISTRY_PORT": str(port),
    }


@pytest.fixture
def server(cli_env, port, tmp_path):
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "registry", "serve"],
        env=cli_env,
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


def test_serve_migrates_and_cli_changes_show_without_restart(server, cli_env):
    assert server.get("/v1/routes/demo").status_code == 404

    assert "tenant demo has 8 boards and 2 monitors" in run_cli(cli_env, "seed-demo").stdout
    run_cli(cli_env, "seed-demo")

    routes = server.get("/v1/routes/demo").json()
    assert routes["tenant"]["display_name"] == "Demo factory"
    assert [(b["board"], b["mount_path"]) for b in routes["boards"]][:3] == [
        ("demo", ""),
        ("monitor", "coolant"),
        ("fams", "fams"),
    ]
    assert len(routes["boards"]) == 10

    run_cli(cli_env, "boards", "revoke", "demo", "fams")
    assert server.get("/v1/resolve/demo/fams/x").json()["board"]["board"] == "demo"
    run_cli(cli_env, "tenants", "disable", "demo")
    assert server.get("/v1/routes/demo").status_code == 404
    run_cli(cli_env, "tenants", "enable", "demo")
    assert server.get("/v1/routes/demo").status_code == 200


def test_tokens_from_the_cli_open_and_close_the_admin_api(server, cli_env):
    token = run_cli(cli_env, "tokens", "create", "ops").stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}

    assert server.get("/v1/admin/tenants", headers=auth).status_code == 200
    assert "ops" in run_cli(cli_env, "tokens", "list").stdout
    assert token not in run_cli(cli_env, "tokens", "list").stdout
    assert run_cli(cli_env, "tokens", "create", "ops", check=False).exit_code == 1

    run_cli(cli_env, "tokens", "revoke", "ops")

    assert server.get("/v1/admin/tenants", headers=auth).status_code == 401


def test_tenant_commands(cli_env):
    def cli(*args):
        return run_cli(cli_env, *args, check=False)

    assert cli("migrate").exit_code == 0
    added = cli("tenants", "add", "Acme", "--timezone", "Europe/Rome", "--theme", "dark")
    assert added.exit_code == 0, added.output
    granted = cli("boards", "grant", "acme", "fams", "--mount", "", "--settings",
                  '{"refresh_seconds": 5}')  # fmt: skip
    assert granted.exit_code == 0, granted.output

    shown = cli("tenants", "show", "ACME").stdout
    listed = cli("tenants", "list").stdout
    clash = cli("tenants", "add", "acme")
    bad = cli("tenants", "add", "a..b")
    bad_board = cli("boards", "grant", "acme", "solitaire")

    assert '"timezone": "Europe/Rome"' in shown
    assert '"refresh_seconds": 5' in shown
    assert listed.startswith("Acme\tenabled")
    assert clash.exit_code == 1
    assert "taken" in clash.stderr
    assert bad.exit_code == 2
    assert "slug" in bad.stderr
    assert bad_board.exit_code == 2
    assert "unknown board" in bad_board.stderr


def test_monitor_commands_change_the_served_routes_without_restart(server, cli_env, tmp_path):
    def cli(*args):
        return run_cli(cli_env, *args, check=False)

    spec = {
        "title": "Coolant",
        "entity_type": "CoolantSystem",
        "attributes": [{"name": "pH", "thresholds": [{"value": 9.5}]}],
    }
    good = tmp_path / "coolant.json"
    good.write_text(json.dumps(spec))
    renamed = tmp_path / "renamed.json"
    renamed.write_text(json.dumps({**spec, "title": "Coolant, hall 2"}))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**spec, "chart": "pie"}))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert cli("tenants", "add", "acme").exit_code == 0

    preview = cli("monitors", "preview", "acme", "coolant", "--spec", str(good))
    assert preview.exit_code == 0, preview.output
    assert json.loads(preview.stdout)["spec"]["chart"] == "line"
    assert server.get("/v1/resolve/acme/coolant/").status_code == 404

    added = cli("monitors", "add", "acme", "coolant", "--spec", str(good))
    assert added.exit_code == 0, added.output
    assert server.get("/v1/resolve/acme/coolant/").json()["board"]["title"] == "Coolant"

    assert cli("monitors", "update", "acme", "coolant", "--spec", str(renamed)).exit_code == 0
    assert server.get("/v1/resolve/acme/coolant/").json()["board"]["title"] == "Coolant, hall 2"
    assert '"Coolant, hall 2"' in cli("monitors", "show", "acme", "coolant").stdout

    rejected = cli("monitors", "update", "acme", "coolant", "--spec", str(bad))
    assert rejected.exit_code == 2
    assert "invalid spec.chart" in rejected.stderr
    unreadable = cli("monitors", "add", "acme", "other", "--spec", str(broken))
    assert unreadable.exit_code == 2
    assert "is not JSON" in unreadable.stderr
    missing = cli("monitors", "add", "acme", "other", "--spec", str(tmp_path / "none.json"))
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
    clash = cli("monitors", "add", "acme", "coolant", "--spec", str(good))
    assert clash.exit_code == 1
    assert "already mounted" in clash.stderr

    assert cli("monitors", "delete", "acme", "coolant").exit_code == 0
    assert server.get("/v1/resolve/acme/coolant/").status_code == 404
    assert cli("monitors", "show", "acme", "coolant").exit_code == 1
