from __future__ import annotations

import pytest
from tenant_context import (
    BOARD_CATALOGUE,
    InvalidName,
    validate_board_slug,
    validate_service_path,
    validate_tenant_slug,
)


@pytest.mark.parametrize("slug", ["demo", "ACME_2", "a", "x" * 50])
def test_valid_tenants(slug: str) -> None:
    assert validate_tenant_slug(slug) == slug


@pytest.mark.parametrize("slug", ["", "x" * 51, "..", "a/b", "a%2Fb", "caffè", "a-b", " a", "a\n"])
def test_invalid_tenants(slug: str) -> None:
    with pytest.raises(InvalidName, match="tenant must be"):
        validate_tenant_slug(slug)


@pytest.mark.parametrize("slug", ["roughnator", "insight-preview", "raw-materials", "a1"])
def test_valid_boards(slug: str) -> None:
    assert validate_board_slug(slug) == slug


@pytest.mark.parametrize("slug", ["", "-x", "x-", "Upper", "a_b", "..", "x" * 51])
def test_invalid_boards(slug: str) -> None:
    with pytest.raises(InvalidName):
        validate_board_slug(slug)


def test_catalogue_slugs_follow_the_board_rule() -> None:
    for slug in BOARD_CATALOGUE:
        assert validate_board_slug(slug) == slug


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("/", "/"), ("/plant1", "/plant1"), ("/plant1/", "/plant1"), ("/a/b_2", "/a/b_2")],
)
def test_service_paths_are_normalised(raw: str, normalised: str) -> None:
    assert validate_service_path(raw) == normalised


@pytest.mark.parametrize("raw", ["plant1", "/a b", "/a//b", "/" + "/x" * 11, "/a,/b", "/a/#"])
def test_invalid_service_paths(raw: str) -> None:
    with pytest.raises(InvalidName):
        validate_service_path(raw)
