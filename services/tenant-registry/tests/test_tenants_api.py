"""Admin API: creating, listing, changing and deleting tenants."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

TENANTS = "/v1/admin/tenants"


def test_create_fills_defaults_from_the_slug(client, auth):
    response = client.post(TENANTS, json={"slug": "Acme_1"}, headers=auth)

    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "Acme_1"
    assert body["display_name"] == "Acme_1"
    assert body["fiware_service"] == "acme_1"
    assert body["service_path"] == "/"
    assert body["timezone"] == "UTC"
    assert body["theme"] == "light"
    assert body["enabled"] is True
    assert body["boards"] == []


def test_get_is_case_insensitive(client, auth, new_tenant):
    new_tenant("Acme", display_name="ACME Corp", timezone="Europe/Rome", theme="dark")

    body = client.get(f"{TENANTS}/aCmE", headers=auth).json()

    assert (body["slug"], body["display_name"], body["timezone"], body["theme"]) == (
        "Acme",
        "ACME Corp",
        "Europe/Rome",
        "dark",
    )


@pytest.mark.parametrize(
    "slug",
    ["", "a" * 51, "..", "a..b", "a%2Fb", "a/b", "ü", "Ωmega", "acme ", "-acme", "a.b", "a;b"],
)
def test_bad_slug_is_422_naming_the_field(client, auth, slug):
    response = client.post(TENANTS, json={"slug": slug}, headers=auth)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert [error["field"] for error in response.json()["detail"]] == ["slug"]
    assert client.get(TENANTS, headers=auth).json()["total"] == 0


def test_fifty_characters_is_the_longest_slug(client, auth):
    assert client.post(TENANTS, json={"slug": "a" * 50}, headers=auth).status_code == 201


@pytest.mark.parametrize("clash", ["acme", "ACME", "aCmE"])
def test_slug_clash_in_any_case_is_409(client, auth, new_tenant, clash):
    new_tenant("Acme")

    response = client.post(TENANTS, json={"slug": clash}, headers=auth)

    assert response.status_code == 409
    assert response.json()["code"] == "slug_taken"
    assert client.get(TENANTS, headers=auth).json()["total"] == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Mars/Olympus"),
        ("timezone", "../etc/passwd"),
        ("theme", "blue"),
        ("service_path", "plant1"),
        ("service_path", "/a/../b"),
        ("fiware_service", "acme-corp"),
        ("display_name", ""),
        ("enabled", "maybe"),
        ("unknown_field", 1),
    ],
)
def test_bad_field_is_422_naming_it(client, auth, field, value):
    response = client.post(TENANTS, json={"slug": "acme", field: value}, headers=auth)

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["detail"]]


def test_service_path_trailing_slash_is_dropped(client, auth):
    body = client.post(
        TENANTS, json={"slug": "acme", "service_path": "/plant1/"}, headers=auth
    ).json()

    assert body["service_path"] == "/plant1"


def test_list_pages_and_filters(client, auth, new_tenant):
    for slug in ["alpha", "Alpine", "beta", "a_x", "abx"]:
        new_tenant(slug)
    client.post(f"{TENANTS}/beta/disable", headers=auth)

    def slugs(**params):
        return [t["slug"] for t in client.get(TENANTS, params=params, headers=auth).json()["items"]]

    assert slugs() == ["a_x", "abx", "alpha", "Alpine", "beta"]
    assert slugs(limit=2, offset=1) == ["abx", "alpha"]
    assert slugs(prefix="AL") == ["alpha", "Alpine"]
    # "_" is a literal here, not a LIKE wildcard.
    assert slugs(prefix="a_") == ["a_x"]
    assert slugs(enabled=False) == ["beta"]
    assert client.get(TENANTS, params={"enabled": True}, headers=auth).json()["total"] == 4
    assert client.get(TENANTS, params={"limit": 0}, headers=auth).status_code == 422
    assert client.get(TENANTS, params={"prefix": "a/"}, headers=auth).status_code == 422


def test_update_changes_only_given_fields(client, auth, new_tenant):
    new_tenant("acme", display_name="ACME", timezone="Europe/Rome")

    response = client.patch(f"{TENANTS}/acme", json={"theme": "dark"}, headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert (body["display_name"], body["timezone"], body["theme"]) == (
        "ACME",
        "Europe/Rome",
        "dark",
    )


def test_slug_cannot_be_changed(client, auth, new_tenant):
    new_tenant("acme")

    response = client.patch(f"{TENANTS}/acme", json={"slug": "other"}, headers=auth)

    assert response.status_code == 422


def test_disable_and_enable_keep_the_boards(client, auth, new_tenant):
    new_tenant("acme", "fams")

    disabled = client.post(f"{TENANTS}/acme/disable", headers=auth).json()
    enabled = client.post(f"{TENANTS}/acme/enable", headers=auth).json()

    assert disabled["enabled"] is False
    assert enabled["enabled"] is True
    assert [b["board"] for b in enabled["boards"]] == ["fams"]
    actions = [
        e["action"]
        for e in client.get("/v1/admin/audit", params={"entity": "tenant"}, headers=auth).json()[
            "items"
        ]
    ]
    assert actions[:2] == ["enable", "disable"]


def test_delete_removes_tenant_and_grants_but_keeps_history(client, auth, new_tenant):
    new_tenant("acme", "fams")

    assert client.delete(f"{TENANTS}/acme", headers=auth).status_code == 204

    assert client.get(f"{TENANTS}/acme", headers=auth).status_code == 404
    assert client.get("/v1/routes/acme").status_code == 404
    history = client.get("/v1/admin/audit", params={"tenant": "acme"}, headers=auth).json()
    assert history["items"][0]["action"] == "delete"
    assert history["items"][0]["before"]["boards"] == ["fams"]
    # The slug is free again.
    assert client.post(TENANTS, json={"slug": "ACME"}, headers=auth).status_code == 201


def test_unknown_tenant_is_404_on_admin_calls(client, auth):
    response = client.get(f"{TENANTS}/nobody", headers=auth)

    assert response.status_code == 404
    assert response.json()["code"] == "tenant_not_found"
