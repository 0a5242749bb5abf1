"""Parsing paths and picking the grant, without any process."""

from __future__ import annotations

import pytest
from gateway.paths import BoardPath, InvalidPath, Redirect, parse
from gateway.routes import Grant, Landing, Match, RouteTable, TenantInfo, select


def _table(*mounts: tuple[str, str]) -> RouteTable:
    return RouteTable(
        tenant=TenantInfo(slug="acme", display_name="ACME", fiware_service="acme"),
        boards=tuple(Grant(board=b, mount_path=m) for b, m in mounts),
    )


def _path(raw: bytes) -> BoardPath:
    parsed = parse(raw)
    assert isinstance(parsed, BoardPath)
    return parsed


@pytest.mark.parametrize(
    "raw",
    [b"/dazzler/acme", b"/dazzler/acme/", b"/dazzler/acme/-"],
)
def test_tenant_root_spellings_redirect_home(raw: bytes) -> None:
    assert parse(raw) == Redirect("/dazzler/acme/-/")


@pytest.mark.parametrize(
    "raw",
    [
        b"/dazzler/",
        b"/dazzler/" + b"a" * 51 + b"/-/",
        b"/dazzler/ac%6De/-/",
        b"/dazzler/acme/x/",
        b"/dazzler/acme/-/a%2Fb/",
        b"/dazzler/acme/-/a%2fb/",
        b"/dazzler/acme/-/a%5Cb/",
        b"/dazzler/acme/-/%2E%2E/",
        b"/dazzler/acme/-/./x",
        b"/dazzler/acme/-/b/%252F",
        b"/dazzler/acme/-/b//c",
        b"/dazzler/acme/-/b/%ff",
        b"/dazzler/acme/-/b/%0a",
    ],
)
def test_bad_paths_are_invalid(raw: bytes) -> None:
    with pytest.raises(InvalidPath):
        parse(raw)


def test_segments_keep_their_raw_form_and_decode_once() -> None:
    path = _path(b"/dazzler/Acme_1/-/roughnator/a%20b/")
    assert path.tenant == "Acme_1"
    assert [s.text for s in path.segments] == ["roughnator", "a b", ""]
    assert path.segments[1].raw == b"a%20b"


def test_mounted_board_gets_the_rest_with_the_prefix_stripped() -> None:
    selected = select(
        _table(("roughnator", "roughnator")), _path(b"/dazzler/acme/-/roughnator/x/y")
    )
    assert isinstance(selected, Match)
    assert (selected.prefix, selected.upstream_path) == ("/dazzler/acme/-/roughnator", b"/x/y")
    root = select(_table(("roughnator", "roughnator")), _path(b"/dazzler/acme/-/roughnator/"))
    assert isinstance(root, Match)
    assert root.upstream_path == b"/"


def test_mount_without_slash_redirects() -> None:
    selected = select(_table(("roughnator", "r")), _path(b"/dazzler/acme/-/r"))
    assert selected == Redirect("/dazzler/acme/-/r/")


def test_home_board_takes_its_page_and_dash_endpoints() -> None:
    table = _table(("demo", ""), ("roughnator", "roughnator"))
    layout = select(table, _path(b"/dazzler/acme/-/_dash-layout"))
    assert isinstance(layout, Match)
    assert (layout.grant.board, layout.upstream_path) == ("demo", b"/_dash-layout")
    assert layout.prefix == "/dazzler/acme/-"
    home = select(table, _path(b"/dazzler/acme/-/"))
    assert isinstance(home, Match)
    assert home.upstream_path == b"/"


def test_without_home_board_the_root_is_the_landing_page_and_the_rest_is_nothing() -> None:
    table = _table(("roughnator", "roughnator"))
    assert select(table, _path(b"/dazzler/acme/-/")) == Landing()
    assert select(table, _path(b"/dazzler/acme/-/fams/")) is None


@pytest.mark.parametrize(
    "raw",
    [
        b"/dazzler/acme/-/nosuchboard/",
        b"/dazzler/acme/-/nosuchboard",
        b"/dazzler/acme/-/fams/",
        b"/dazzler/acme/-/index.html",
        # Boards serve no paths of their own (the showcase's colour themes are in its page).
        b"/dazzler/acme/-/themes/dark.css",
    ],
)
def test_home_board_does_not_take_unknown_first_segments(raw: bytes) -> None:
    table = _table(("demo", ""), ("roughnator", "roughnator"))
    assert select(table, _path(raw)) is None


@pytest.mark.parametrize(
    ("raw", "upstream"),
    [
        (b"/dazzler/acme/-/_dash-update-component", b"/_dash-update-component"),
        (b"/dazzler/acme/-/_reload-hash", b"/_reload-hash"),
        (b"/dazzler/acme/-/_dash-component-suites/dash/x.js", b"/_dash-component-suites/dash/x.js"),
        (b"/dazzler/acme/-/assets/boardkit.css", b"/assets/boardkit.css"),
    ],
)
def test_home_board_serves_its_dash_endpoints(raw: bytes, upstream: bytes) -> None:
    selected = select(_table(("demo", ""), ("roughnator", "roughnator")), _path(raw))
    assert isinstance(selected, Match)
    assert (selected.grant.board, selected.upstream_path) == ("demo", upstream)


@pytest.mark.parametrize(
    "raw",
    [
        b"/dazzler/acme/-/metrics",
        b"/dazzler/acme/-/healthz",
        b"/dazzler/acme/-/roughnator/metrics",
        b"/dazzler/acme/-/roughnator/readyz",
    ],
)
def test_board_operations_endpoints_are_not_reachable_through_the_gateway(raw: bytes) -> None:
    assert select(_table(("demo", ""), ("roughnator", "roughnator")), _path(raw)) is None
