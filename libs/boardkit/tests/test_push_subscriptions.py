"""The address a replica gives Orion for its notifications."""

from __future__ import annotations

import socket

import pytest
from boardkit.push_subscriptions import notify_base


def test_each_replica_gives_orion_its_own_address_in_place_of_ip(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "localhost")
    assert notify_base("http://{ip}:8101") == "http://127.0.0.1:8101"
    assert notify_base("http://board-x:8101") == "http://board-x:8101"
    monkeypatch.setattr(socket, "gethostname", lambda: "no-such-host.invalid")
    with caplog.at_level("WARNING", logger="boardkit.push"):
        assert notify_base("http://{ip}:8101") == ""
    assert any("does not resolve" in r.getMessage() for r in caplog.records)
