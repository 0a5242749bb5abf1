"""Real processes for the roughnator's tests: the simulator's QL stand-in with its
generator, the board service, and the kit's stand-in gateway for the browser."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tenant_context import TenantContext, sign_context

SECRET = secrets.token_hex(16)
BOARD = "roughnator"
TENANTS = {
    "acme": {"display_name": "ACME Milling", "timezone": "Europe/Rome", "theme": "dark"},
    "globex": {"display_name": "Globex Works", "timezone": "America/New_York"},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready in {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Sim:
    """The QL/Orion stand-in plus generator, restartable on the same ports and data."""

    def __init__(self, store: Path, interval: float = 1.0) -> None:
        self.ql_port, self.orion_port = free_port(), free_port()
        self.store, self.interval = store, interval
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def ql_url(self) -> str:
        return f"http://127.0.0.1:{self.ql_port}"

    def start(self) -> None:
        args = [sys.executable, "-m", "sim", "all", "--ql-port", str(self.ql_port)]
        args += ["--orion-port", str(self.orion_port), "--interval", str(self.interval)]
        args += ["--tenants", ",".join(TENANTS), "--store", f"sqlite:{self.store}"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ready(self.ql_url + "/version", self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def stats(self) -> dict[str, Any]:
        return dict(httpx.get(self.ql_url + "/__sim/stats").json())

    def reset_stats(self) -> None:
        httpx.post(self.ql_url + "/__sim/stats/reset")


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    simulator = Sim(tmp_path_factory.mktemp("sim") / "ql.sqlite")
    simulator.start()
    # A few ticks so that every tenant has entities and history.
    time.sleep(3)
    yield simulator
    simulator.stop()


def start_board(module: str, env_prefix: str, ql_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "DAZZLER_SHARED_SECRET": SECRET,
        "DAZZLER_BOARD_QL_URL": ql_url,
        "DAZZLER_BOARD_QL_TIMEOUT": "1",
        f"{env_prefix}PORT": str(port),
        "DAZZLER_BOARD_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen([sys.executable, "-m", module], env=env)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url + "/healthz", proc)
    return proc, url


@pytest.fixture(scope="module")
def board(sim: Sim) -> Iterator[str]:
    proc, url = start_board("board_roughnator", "DAZZLER_ROUGHNATOR_", sim.ql_url)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def gateway(board: str) -> Iterator[str]:
    port = free_port()
    tenants = {
        name: {**entry, "boards": [BOARD], "settings": {BOARD: {"refresh_seconds": 1}}}
        for name, entry in TENANTS.items()
    }
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "boardkit.devgateway", "--port", str(port)),
            *("--upstream", board, "--tenants", json.dumps(tenants)),
        ],
        env={**os.environ, "DAZZLER_SHARED_SECRET": SECRET},
    )
    url = f"http://127.0.0.1:{port}"
    wait_ready(url + "/dazzler/acme/-/roughnator/_dash-layout", proc)
    yield url
    stop(proc)


def context(tenant: str, **settings: Any) -> TenantContext:
    entry = TENANTS[tenant]
    return TenantContext(
        tenant=tenant,
        display_name=entry["display_name"],
        fiware_service=tenant,
        timezone=entry["timezone"],
        theme=entry.get("theme", "light"),
        board=BOARD,
        public_prefix=f"/dazzler/{tenant}/-/{BOARD}/",
        settings={"refresh_seconds": 1, **settings},
    )


def signed(tenant: str, **settings: Any) -> dict[str, str]:
    return sign_context(context(tenant, **settings), SECRET)


def _id(kind: str) -> dict[str, str]:
    return {"board": BOARD, "type": f"bk-{kind}"}


REFRESH_OUTPUTS = [
    ("graph", "figure"),
    ("graph", "extendData"),
    ("cursor", "data"),
    ("status", "children"),
    ("status", "color"),
    ("status", "className"),
    ("freshness", "children"),
]


def refresh_payload(
    selection: list[str],
    *,
    poll: bool,
    cursor: dict[str, Any] | None,
    window: str = "last_n",
    last_n: int = 100,
) -> dict[str, Any]:
    """The request the browser sends for the kit's main callback."""
    wild = '{"board":["MATCH"],"type":"bk-%s"}'
    output = "...".join(f"{wild % kind}.{prop}" for kind, prop in REFRESH_OUTPUTS)
    trigger = "poll" if poll else "entities"
    inputs = [
        (_id("entities"), "value", selection),
        (_id("window"), "value", window),
        (_id("last-n"), "value", last_n),
        (_id("range-start"), "value", None),
        (_id("range-end"), "value", None),
        (_id("poll"), "n_intervals", 1),
    ]
    return {
        "output": f"..{output}..",
        "outputs": [{"id": _id(kind), "property": prop} for kind, prop in REFRESH_OUTPUTS],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [
            json.dumps(_id(trigger), separators=(",", ":"), sort_keys=True)
            + (".n_intervals" if poll else ".value")
        ],
        "state": [{"id": _id("cursor"), "property": "data", "value": cursor}],
    }


def refresh(
    url: str, headers: dict[str, str], selection: list[str], *, poll: bool, cursor: Any
) -> dict[str, Any]:
    """Run the main callback once and return its outputs by component type."""
    answer = httpx.post(
        url + "/_dash-update-component",
        json=refresh_payload(selection, poll=poll, cursor=cursor),
        headers=headers,
        timeout=10,
    )
    answer.raise_for_status()
    if answer.status_code == 204:
        return {}
    return dict(answer.json()["response"])
