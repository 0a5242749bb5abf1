"""Admin API: granting, changing and revoking boards."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def boards_of(client, auth, slug):
    return client.get(f"/v1/admin/tenants/{slug}/boards", headers=auth).json()


def test_grant_mounts_at_the_board_slug_by_default(client, auth, new_tenant):
    new_tenant("acme")

    response = client.post("/v1/admin/tenants/acme/boards", json={"board": "fams"}, headers=auth)

    assert response.status_code == 201
    assert response.json()["mount_path"] == "fams"
    assert response.json()["settings"] == {}


def test_unknown_board_is_422(client, auth, new_tenant):
    new_tenant("acme")

    response = client.post(
        "/v1/admin/tenants/acme/boards", json={"board": "solitaire"}, headers=auth
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "board"


@pytest.mark.parametrize("mount", ["Fams", "a/b", "..", "-x", "x" * 51, "ü"])
def test_bad_mount_path_is_422(client, auth, new_tenant, mount):
    new_tenant("acme")

    body = {"board": "fams", "mount_path": mount}
    response = client.post("/v1/admin/tenants/acme/boards", json=body, headers=auth)

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "mount_path"


def test_duplicate_mount_path_is_409_and_nothing_is_written(client, auth, new_tenant):
    new_tenant("acme", ("fams", "line"))
    audit_before = client.get("/v1/admin/audit", headers=auth).json()["total"]

    body = {"board": "roughnator", "mount_path": "line"}
    response = client.post("/v1/admin/tenants/acme/boards", json=body, headers=auth)

    assert response.status_code == 409
    assert response.json()["code"] == "mount_path_taken"
    assert [g["board"] for g in boards_of(client, auth, "acme")] == ["fams"]
    assert client.get("/v1/admin/audit", headers=auth).json()["total"] == audit_before


def test_second_home_board_is_409(client, auth, new_tenant):
    new_tenant("acme", ("demo", ""))

    body = {"board": "fams", "mount_path": ""}
    response = client.post("/v1/admin/tenants/acme/boards", json=body, headers=auth)

    assert response.status_code == 409


def test_granting_the_same_board_twice_is_409(client, auth, new_tenant):
    new_tenant("acme", "fams")

    body = {"board": "fams", "mount_path": "other"}
    response = client.post("/v1/admin/tenants/acme/boards", json=body, headers=auth)

    assert response.status_code == 409
    assert response.json()["code"] == "board_already_granted"


def test_moving_onto_a_taken_mount_path_is_409(client, auth, new_tenant):
    new_tenant("acme", "fams", "roughnator")

    response = client.patch(
        "/v1/admin/tenants/acme/boards/fams", json={"mount_path": "roughnator"}, headers=auth
    )

    assert response.status_code == 409
    assert {g["board"]: g["mount_path"] for g in boards_of(client, auth, "acme")} == {
        "fams": "fams",
        "roughnator": "roughnator",
    }


def test_known_settings_are_validated_and_unknown_kept(client, auth, new_tenant):
    new_tenant("acme")
    settings = {
        "service_path": "/plant1/",
        "refresh_seconds": 30,
        "thresholds": {"max": 3.5, "min": 1},
        "colours": ["red", {"nested": None}],
    }

    response = client.post(
        "/v1/admin/tenants/acme/boards",
        json={"board": "fams", "settings": settings},
        headers=auth,
    )

    assert response.status_code == 201
    assert response.json()["settings"] == {
        "service_path": "/plant1",
        "refresh_seconds": 30,
        "thresholds": {"max": 3.5, "min": 1.0},
        "colours": ["red", {"nested": None}],
    }


@pytest.mark.parametrize(
    ("board_settings", "field"),
    [
        ({"refresh_seconds": 0}, "settings.refresh_seconds"),
        ({"refresh_seconds": 3601}, "settings.refresh_seconds"),
        ({"refresh_seconds": "10"}, "settings.refresh_seconds"),
        ({"service_path": "plant"}, "settings.service_path"),
        ({"thresholds": {"max": "high"}}, "settings.thresholds.max"),
        ("not an object", "settings"),
    ],
)
def test_bad_settings_are_422_naming_the_key(client, auth, new_tenant, board_settings, field):
    new_tenant("acme")

    response = client.post(
        "/v1/admin/tenants/acme/boards",
        json={"board": "fams", "settings": board_settings},
        headers=auth,
    )

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["detail"]]


def test_nan_in_settings_is_422(client, auth, new_tenant):
    new_tenant("acme")

    response = client.post(
        "/v1/admin/tenants/acme/boards",
        content=b'{"board": "fams", "settings": {"x": NaN}}',
        headers={**auth, "content-type": "application/json"},
    )

    assert response.status_code == 422


def test_update_replaces_settings_and_revoke_removes(client, auth, new_tenant):
    new_tenant("acme", "fams")

    updated = client.patch(
        "/v1/admin/tenants/acme/boards/fams",
        json={"settings": {"refresh_seconds": 5}, "enabled": False},
        headers=auth,
    )
    revoked = client.delete("/v1/admin/tenants/acme/boards/fams", headers=auth)

    assert updated.json()["settings"] == {"refresh_seconds": 5}
    assert updated.json()["enabled"] is False
    assert revoked.status_code == 204
    assert boards_of(client, auth, "acme") == []
    again = client.delete("/v1/admin/tenants/acme/boards/fams", headers=auth)
    assert again.status_code == 404
    assert again.json()["code"] == "grant_not_found"
