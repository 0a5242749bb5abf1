"""Admin API: entity monitors, their published schema, and how they reach the routes."""

from __future__ import annotations

import copy

import pytest

pytestmark = pytest.mark.integration

SPEC = {
    "title": "Machine telemetry",
    "entity_type": "MachineTelemetry",
    "attributes": [
        {
            "name": "temperature",
            "label": "Temperature",
            "unit": "°C",
            "thresholds": [{"value": 75, "label": "hot", "color": "#d62728"}],
        },
        {"name": "power", "unit": "kW", "color": "#2ca02c"},
    ],
    "chart": "line",
}


def spec(**changes):
    changed = copy.deepcopy(SPEC)
    changed.update(changes)
    return changed


def add(client, auth, tenant, slug="machines", body_spec=None):
    body = {"slug": slug, "spec": body_spec or SPEC}
    return client.post(f"/v1/admin/tenants/{tenant}/monitors", json=body, headers=auth)


def test_schema_is_published_without_credentials(client):
    response = client.get("/v1/schemas/monitor")

    assert response.status_code == 200
    schema = response.json()
    assert schema["title"] == "MonitorSpec"
    assert set(schema["required"]) == {"title", "entity_type", "attributes"}
    assert schema["properties"]["chart"]["enum"] == ["line", "bar", "scatter"]


def test_create_normalises_the_spec_and_routes_it_to_the_monitor_board(client, auth, new_tenant):
    new_tenant("acme", "fams")

    created = add(client, auth, "acme")

    assert created.status_code == 201, created.text
    stored = created.json()["spec"]
    assert stored["default_window"] == "last_n"
    assert stored["attributes"][1]["label"] == ""
    assert stored["attributes"][1]["thresholds"] == []
    routes = client.get("/v1/routes/acme").json()["boards"]
    assert [(b["board"], b["mount_path"]) for b in routes] == [
        ("fams", "fams"),
        ("monitor", "machines"),
    ]
    monitor = routes[1]
    assert monitor["title"] == "Machine telemetry"
    assert monitor["settings"] == {"monitor": stored}
    decision = client.get("/v1/resolve/acme/machines/_dash-layout").json()
    assert decision["board"]["mount_path"] == "machines"
    assert decision["rest"] == "_dash-layout"


def test_update_preview_and_delete_round_trip_with_audit(client, auth, new_tenant):
    new_tenant("acme")
    add(client, auth, "acme")
    url = "/v1/admin/tenants/acme/monitors/machines"

    updated = client.patch(url, json={"spec": spec(title="Machines, hall 2")}, headers=auth)
    preview = client.post(url + "/preview", json={"spec": spec(chart="bar")}, headers=auth)
    listed = client.get("/v1/admin/tenants/acme/monitors", headers=auth).json()

    assert updated.status_code == 200
    assert client.get("/v1/routes/acme").json()["boards"][0]["title"] == "Machines, hall 2"
    assert preview.status_code == 200
    assert preview.json()["spec"]["chart"] == "bar"
    assert preview.json()["exists"] is True
    assert preview.json()["mount_path_free"] is True
    assert [m["spec"]["chart"] for m in listed] == ["line"]  # preview stored nothing

    assert client.delete(url, headers=auth).status_code == 204
    assert client.get(url, headers=auth).json()["code"] == "monitor_not_found"
    assert client.get("/v1/routes/acme").json()["boards"] == []
    audit = client.get("/v1/admin/audit?entity=monitor", headers=auth).json()["items"]
    assert [e["action"] for e in audit] == ["delete", "update", "create"]
    assert audit[1]["before"]["spec"]["title"] == "Machine telemetry"
    assert audit[1]["after"]["spec"]["title"] == "Machines, hall 2"


def test_disabled_monitor_is_not_routed(client, auth, new_tenant):
    new_tenant("acme")
    add(client, auth, "acme")

    client.patch("/v1/admin/tenants/acme/monitors/machines", json={"enabled": False}, headers=auth)

    assert client.get("/v1/resolve/acme/machines/").status_code == 404


BAD_SPECS = [
    ("missing title", {k: v for k, v in SPEC.items() if k != "title"}, "spec.title"),
    ("empty title", spec(title=""), "spec.title"),
    ("bad entity type", spec(entity_type="Machine Telemetry"), "spec.entity_type"),
    ("no attributes", spec(attributes=[]), "spec.attributes"),
    ("bad attribute name", spec(attributes=[{"name": "t;drop"}]), "spec.attributes.0.name"),
    (
        "bad colour",
        spec(attributes=[{"name": "t", "color": "red"}]),
        "spec.attributes.0.color",
    ),
    (
        "threshold not a number",
        spec(attributes=[{"name": "t", "thresholds": [{"value": "hot"}]}]),
        "spec.attributes.0.thresholds.0.value",
    ),
    ("unknown chart", spec(chart="pie"), "spec.chart"),
    ("unknown window", spec(default_window="7d"), "spec.default_window"),
    ("unknown field", spec(colour_scheme="x"), "spec.colour_scheme"),
    ("repeated attribute", spec(attributes=[{"name": "t"}, {"name": "t"}]), "spec"),
    (
        "too big",
        spec(
            description="x" * 1000,
            attributes=[
                {
                    "name": f"a{i}",
                    "label": "y" * 60,
                    "thresholds": [{"value": j, "label": "z" * 40} for j in range(4)],
                }
                for i in range(8)
            ],
        ),
        "spec",
    ),
]


@pytest.mark.parametrize(("why", "bad", "field"), BAD_SPECS, ids=[b[0] for b in BAD_SPECS])
def test_bad_spec_is_422_naming_the_field_and_stores_nothing(
    client, auth, new_tenant, why, bad, field
):
    new_tenant("acme")

    created = add(client, auth, "acme", body_spec=bad)
    previewed = client.post(
        "/v1/admin/tenants/acme/monitors/machines/preview", json={"spec": bad}, headers=auth
    )

    for response in (created, previewed):
        assert response.status_code == 422, why
        assert response.json()["code"] == "validation_error"
        assert field in [d["field"] for d in response.json()["detail"]], response.text
    assert client.get("/v1/admin/tenants/acme/monitors", headers=auth).json() == []


def test_repeated_attribute_message_names_it(client, auth, new_tenant):
    new_tenant("acme")

    response = add(client, auth, "acme", body_spec=spec(attributes=[{"name": "t"}, {"name": "t"}]))

    assert "repeated: t" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("slug", ["roughnator", "monitor", "Machines", "a/b", ""])
def test_bad_or_catalogue_slug_is_422(client, auth, new_tenant, slug):
    new_tenant("acme")

    response = add(client, auth, "acme", slug=slug)

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "slug"


def test_mount_path_shared_with_boards_is_409_both_ways(client, auth, new_tenant):
    new_tenant("acme", ("fams", "line"))
    add(client, auth, "acme", slug="machines")

    clash = add(client, auth, "acme", slug="line")
    grant = client.post(
        "/v1/admin/tenants/acme/boards",
        json={"board": "roughnator", "mount_path": "machines"},
        headers=auth,
    )
    preview = client.post(
        "/v1/admin/tenants/acme/monitors/line/preview", json={"spec": SPEC}, headers=auth
    )

    assert clash.status_code == 409
    assert clash.json()["code"] == "mount_path_taken"
    assert grant.status_code == 409
    assert preview.json()["mount_path_free"] is False


def test_monitor_board_cannot_be_granted_without_a_spec(client, auth, new_tenant):
    new_tenant("acme")

    response = client.post("/v1/admin/tenants/acme/boards", json={"board": "monitor"}, headers=auth)

    assert response.status_code == 422
    assert "monitors" in response.json()["detail"][0]["msg"]


def test_writes_need_a_token(client, new_tenant):
    new_tenant("acme")

    response = client.post("/v1/admin/tenants/acme/monitors", json={"slug": "m", "spec": SPEC})

    assert response.status_code == 401


def test_unknown_tenant_or_monitor_is_404(client, auth, new_tenant):
    new_tenant("acme")

    assert add(client, auth, "nobody").json()["code"] == "tenant_not_found"
    missing = client.patch(
        "/v1/admin/tenants/acme/monitors/nothing", json={"enabled": False}, headers=auth
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "monitor_not_found"
