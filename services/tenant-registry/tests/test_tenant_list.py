"""``GET /v1/tenants``: what the data generator follows to feed every enabled tenant."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_lists_enabled_tenants_with_their_fiware_service(client, auth, new_tenant):
    new_tenant("Acme", "fams", fiware_service="acme_milling", service_path="/plant")
    new_tenant("beta")
    new_tenant("gone")
    client.post("/v1/admin/tenants/gone/disable", headers=auth)

    response = client.get("/v1/tenants")

    assert response.status_code == 200
    listed = {t["slug"]: t for t in response.json()["tenants"]}
    assert listed["Acme"] == {
        "slug": "Acme",
        "fiware_service": "acme_milling",
        "service_path": "/plant",
    }
    assert listed["beta"]["fiware_service"] == "beta"
    assert "gone" not in listed


def test_a_tenant_enabled_again_is_listed_again(client, auth, new_tenant):
    new_tenant("gamma")
    client.post("/v1/admin/tenants/gamma/disable", headers=auth)
    client.post("/v1/admin/tenants/gamma/enable", headers=auth)

    slugs = [t["slug"] for t in client.get("/v1/tenants").json()["tenants"]]

    assert "gamma" in slugs
