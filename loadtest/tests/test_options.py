from __future__ import annotations

import pytest
from dazzler_loadtest.cli import build_parser, locust_command
from dazzler_loadtest.options import (
    BadOptions,
    board_prefix,
    check_host,
    parse_duration,
    parse_tenants,
    parse_weights,
)


def test_only_loopback_or_the_allowed_url_is_a_target() -> None:
    assert check_host("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    assert check_host("http://localhost:8000") == "http://localhost:8000"
    with pytest.raises(BadOptions):
        check_host("http://192.168.1.4:8000")
    with pytest.raises(BadOptions):
        check_host("ftp://127.0.0.1")
    allowed = "https://dazzler.example.org"
    assert check_host(allowed, allowed) == allowed


def test_runs_are_bounded_in_users_and_time() -> None:
    parser = build_parser()
    with pytest.raises(BadOptions):
        locust_command(parser.parse_args(["--host", "http://127.0.0.1:1", "--users", "0"]))
    with pytest.raises(BadOptions):
        locust_command(parser.parse_args(["--host", "http://127.0.0.1:1", "--time", "4h"]))
    command = locust_command(
        parser.parse_args(["--host", "http://127.0.0.1:1", "--users", "30", "--time", "1m"])
    )
    assert command[command.index("--run-time") + 1] == "60s"
    assert command[command.index("--users") + 1] == "30"


def test_tenant_ranges_and_board_weights() -> None:
    assert parse_tenants("demo,lt{1..3}") == ["demo", "lt1", "lt2", "lt3"]
    assert parse_weights("roughnator=3, sleuth,fams=0") == {"roughnator": 3.0, "sleuth": 1.0}
    with pytest.raises(BadOptions):
        parse_weights("fams=0")
    assert parse_duration("1m30s") == 90.0


def test_home_board_path() -> None:
    assert board_prefix("/dazzler/{tenant}/-/{mount}/", "demo", "home") == "/dazzler/demo/-/"
    assert board_prefix("/dazzler/{tenant}/-/{mount}/", "acme", "fams") == "/dazzler/acme/-/fams/"
