from __future__ import annotations

import re
import signal
import time

import httpx
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# The URLs users know from the first Dazzler, each with and without its trailing slash.
BOARD_PATHS = [
    "/dazzler/demo/-/",
    "/dazzler/demo/-/roughnator",
    "/dazzler/demo/-/roughnator/",
    "/dazzler/demo/-/sleuth",
    "/dazzler/demo/-/sleuth/",
    "/dazzler/demo/-/fams/",
    "/dazzler/demo/-/fams",
    "/dazzler/demo/-/insight/",
    "/dazzler/demo/-/insight",
    "/dazzler/demo/-/insight-preview/",
    "/dazzler/demo/-/insight-preview",
    "/dazzler/demo/-/raw-materials/",
    "/dazzler/demo/-/tweezers/",
    # The entity monitors make run seeds: boards from specs in the registry.
    "/dazzler/demo/-/machines/",
    "/dazzler/demo/-/coolant",
]
# What the generator sends to QuantumLeap for tenant demo, one type per QL-backed board.
QL_TYPES = [
    "RoughnessEstimate",
    "inspection_demo",
    "raw_material",
    "tweezers_measurement",
    "Worker",
    "MachineTelemetry",
    "CoolantSystem",
]
FIWARE = {"Fiware-Service": "demo", "Fiware-ServicePath": "/"}


def _newest_index(client: httpx.Client, ql: str, entity_type: str) -> str | None:
    response = client.get(f"{ql}/v2/types/{entity_type}", params={"lastN": 1}, headers=FIWARE)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    body = response.json()
    if not body:
        return None
    # QL 1.0.0 answers {"entities": [{"index": [...]}]} for a type query.
    indexes = [i for entity in body["entities"] for i in entity["index"]]
    return max(indexes) if indexes else None


def _wait_for_newer(client: httpx.Client, ql: str, entity_type: str, than: str | None) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        newest = _newest_index(client, ql, entity_type)
        if newest is not None and (than is None or newest > than):
            return newest
        time.sleep(0.5)
    raise AssertionError(f"no {entity_type} newer than {than} reached the QL stand-in")


def test_make_run_serves_every_board_with_live_data(make_run) -> None:
    ready = make_run.wait_for_line("Dazzler is ready", timeout=240)
    assert f"{make_run.gateway}/dazzler/demo/-/" in ready
    printed = "\n".join(make_run.lines)
    for board in ("roughnator", "sleuth", "fams", "insight", "insight-preview", "tweezers"):
        assert f"{make_run.gateway}/dazzler/demo/-/{board}/" in printed
    # The summary: every Procfile process ready at its address, the internal metrics port.
    summary = printed.split("Dazzler is ready", 1)[1]
    for name in ("sim", "registry", "board-insight", "board-monitor", "gateway"):
        assert re.search(rf"^  {name} +http://127\.0\.0\.1:\d+ +ready", summary, re.M), name
    assert re.search(r"^  generator +- +running", summary, re.M)
    metrics = f"http://127.0.0.1:{make_run.ports['DAZZLER_STACK_GATEWAY_METRICS_PORT']}/metrics"
    assert f"Metrics:    {metrics}" in summary
    assert httpx.get(metrics, timeout=10).status_code == 200

    with httpx.Client(timeout=30, follow_redirects=True) as client:
        for path in BOARD_PATHS:
            response = client.get(make_run.gateway + path)
            assert response.status_code == 200, (path, response.text[:300])
            assert "_dash-renderer" in response.text or "dash-renderer" in response.text, path

        layout = client.get(f"{make_run.gateway}/dazzler/demo/-/roughnator/_dash-layout")
        assert layout.status_code == 200
        assert layout.headers["content-type"].startswith("application/json")
        assert layout.json()["props"]

        # Fresh data keeps arriving: every type gets a row newer than the first one seen.
        for entity_type in QL_TYPES:
            first = _wait_for_newer(client, make_run.ql, entity_type, None)
            _wait_for_newer(client, make_run.ql, entity_type, first)

        # Boards cannot be reached around the gateway with a forged context.
        board = f"http://127.0.0.1:{make_run.ports['DAZZLER_STACK_ROUGHNATOR_PORT']}/"
        assert client.get(board, headers={"X-Dazzler-Context": "{}"}).status_code == 403


def test_ctrl_c_stops_every_process(make_run) -> None:
    make_run.wait_for_line("Dazzler is ready", timeout=240)
    started = make_run.descendants()
    assert len(started) >= 9  # one process per Procfile entry, at least

    make_run.process.send_signal(signal.SIGINT)
    assert make_run.process.wait(60) == 0

    assert [pid for pid in started if make_run.alive(pid)] == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(make_run.gateway + "/healthz", timeout=2)
