"""FiwareContext enforces Orion's naming rules before anything is sent."""

from __future__ import annotations

import pytest
from ngsi import FiwareContext


def test_headers_for_a_tenant() -> None:
    ctx = FiwareContext("acme", "/plant1/", headers={"Authorization": "Bearer x"})
    assert ctx.service_path == "/plant1"
    assert ctx.http_headers() == {
        "Authorization": "Bearer x",
        "Fiware-Service": "acme",
        "Fiware-ServicePath": "/plant1",
    }


def test_orion_subtree_marker_is_kept() -> None:
    assert FiwareContext("acme", "/plant1/#").service_path == "/plant1/#"
    assert FiwareContext("acme", "/#").service_path == "/#"


@pytest.mark.parametrize("service", ["", "acme-corp", "a" * 51, "ümlaut", "a b"])
def test_bad_tenant_names(service: str) -> None:
    with pytest.raises(ValueError, match="tenant"):
        FiwareContext(service)


@pytest.mark.parametrize("path", ["plant1", "/a//b", "/a-b", "/" + "/x" * 11, "/a/#/b"])
def test_bad_service_paths(path: str) -> None:
    with pytest.raises(ValueError, match="service path"):
        FiwareContext("acme", path)


@pytest.mark.parametrize("header", ["Fiware-Service", "fiware-servicepath"])
def test_tenant_headers_cannot_sneak_in(header: str) -> None:
    with pytest.raises(ValueError, match="FiwareContext fields"):
        FiwareContext("acme", headers={header: "other"})


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan")])
def test_bad_timeouts(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        FiwareContext(timeout=timeout)


def test_context_headers_cannot_change_after_creation() -> None:
    extra = {"X-Auth-Token": "a"}
    ctx = FiwareContext("acme", headers=extra)
    extra["X-Auth-Token"] = "b"
    assert ctx.http_headers()["X-Auth-Token"] == "a"
    with pytest.raises(TypeError):
        ctx.headers["X-Auth-Token"] = "c"  # type: ignore[index]
