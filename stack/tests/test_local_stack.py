from __future__ import annotations

import os

import httpx
import pytest
from dazzler_stack import CommandFailed, LocalStack

pytestmark = pytest.mark.integration


def test_registry_and_gateway_start_seeded_and_stop_completely(pg_database: str) -> None:
    stack = LocalStack(
        ["gateway", "registry"],
        database_url=pg_database,
        redis_url="redis://127.0.0.1:6379/0",
        seed_demo=True,
    )
    with stack:
        routes = httpx.get(f"{stack.url('registry')}/v1/routes/demo").json()
        boards = {b["board"]: b["mount_path"] for b in routes["boards"]}
        assert boards["demo"] == ""
        assert boards["roughnator"] == "roughnator"
        # The board service is not part of this stack: the gateway says so, it does not hang.
        response = httpx.get(f"{stack.url('gateway')}/dazzler/demo/-/roughnator/", timeout=30)
        assert response.status_code in (502, 503)
        pids = [p.pid for p in stack.processes.values()]
    assert [pid for pid in pids if os.path.exists(f"/proc/{pid}")] == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{stack.url('gateway')}/healthz")


def test_a_failing_migration_is_reported_with_its_output(tmp_path) -> None:
    stack = LocalStack(
        ["registry"],
        database_url="postgresql://postgres@127.0.0.1:1/nowhere",
        log_dir=tmp_path,
    )
    with pytest.raises(CommandFailed, match="registry migrate exited"):
        stack.start(timeout=30)
    assert stack.processes == {}


def test_one_service_can_be_stopped_started_and_restarted(tmp_path) -> None:
    stack = LocalStack(["sim"], database_url="postgresql://unused", log_dir=tmp_path)
    ql = stack.url("sim", "ql") + "/version"
    with stack:
        first = stack.processes["sim"].pid
        stack.restart("sim", env={"DAZZLER_SIM_MARK": "again"})
        assert stack.processes["sim"].pid != first
        assert httpx.get(ql).status_code == 200
        assert _environ(stack.processes["sim"].pid).get("DAZZLER_SIM_MARK") == "again"
        stack.restart("sim", env={"DAZZLER_SIM_MARK": ""})
        assert "DAZZLER_SIM_MARK" not in _environ(stack.processes["sim"].pid)
        stack.stop_service("sim", kill=True)
        assert not stack.is_running("sim")
        assert not os.path.exists(f"/proc/{first}")
        with pytest.raises(httpx.ConnectError):
            httpx.get(ql)
        stack.stop_service("sim")  # already stopped: nothing to do
        stack.start_service("sim")
        assert httpx.get(ql).status_code == 200
        with pytest.raises(ValueError, match="already running"):
            stack.start_service("sim")
        last = stack.processes["sim"].pid
    assert not os.path.exists(f"/proc/{last}")


def _environ(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/environ", "rb") as handle:
        pairs = handle.read().decode(errors="replace").split("\0")
    return dict(pair.split("=", 1) for pair in pairs if "=" in pair)
