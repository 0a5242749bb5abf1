"""The gateway's read API, and how fast writes become visible through the cache."""

from __future__ import annotations

import json
import time

import pytest
import redis

pytestmark = pytest.mark.integration

NOT_FOUND = {"detail": "Not found", "code": "not_found"}


def test_routes_body_matches_the_contract(client, auth, new_tenant):
    new_tenant("Acme", ("demo", ""), "roughnator", display_name="ACME", timezone="Europe/Rome",
               theme="dark", service_path="/plant")  # fmt: skip
    client.patch(
        "/v1/admin/tenants/acme/boards/roughnator",
        json={"settings": {"service_path": "/plant/line2", "refresh_seconds": 10}},
        headers=auth,
    )

    response = client.get("/v1/routes/ACME")

    assert response.status_code == 200
    assert response.json() == {
        "tenant": {
            "slug": "Acme",
            "display_name": "ACME",
            "fiware_service": "acme",
            "service_path": "/plant",
            "timezone": "Europe/Rome",
            "theme": "dark",
        },
        "boards": [
            {
                "board": "demo",
                "mount_path": "",
                "title": "Showcase",
                "description": (
                    "The look and feel of Dazzler boards: themes, controls and sample figures."
                ),
                "service_path": "/plant",
                "settings": {},
            },
            {
                "board": "roughnator",
                "mount_path": "roughnator",
                "title": "Surface roughness",
                "description": (
                    "Milling-machine acceleration and the roughness the Roughnator AI "
                    "estimates from it."
                ),
                "service_path": "/plant/line2",
                "settings": {"service_path": "/plant/line2", "refresh_seconds": 10},
            },
        ],
    }


def test_resolve_picks_the_mount_then_the_home(client, new_tenant):
    new_tenant("acme", ("demo", ""), ("fams", "fatigue"))

    mounted = client.get("/v1/resolve/acme/fatigue/_dash-layout").json()
    home = client.get("/v1/resolve/acme/assets/app.css").json()
    root = client.get("/v1/resolve/acme/").json()

    assert (mounted["board"]["board"], mounted["rest"]) == ("fams", "_dash-layout")
    assert (home["board"]["board"], home["rest"]) == ("demo", "assets/app.css")
    assert (root["board"]["board"], root["rest"]) == ("demo", "")
    assert [b["board"] for b in mounted["boards"]] == ["demo", "fams"]


def test_landing_lists_enabled_boards(client, auth, new_tenant):
    new_tenant("acme", "fams", "sleuth")
    client.patch("/v1/admin/tenants/acme/boards/sleuth", json={"enabled": False}, headers=auth)

    body = client.get("/v1/tenants/acme/boards").json()

    assert body["tenant"]["slug"] == "acme"
    assert body["boards"] == [
        {
            "board": "fams",
            "mount_path": "fams",
            "title": "Worker fatigue",
            "description": (
                "Fatigue per production line from FAMS, and the last accepted intervention."
            ),
        }
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/routes/nobody",
        "/v1/routes/disabled",
        "/v1/routes/..",
        "/v1/routes/a%2Fb",
        "/v1/routes/%C3%BC",
        "/v1/routes/" + "a" * 51,
        "/v1/resolve/nobody/fams",
        "/v1/resolve/disabled/fams",
        "/v1/resolve/acme/roughnator",
        "/v1/resolve/acme/sleuth/x",
        "/v1/tenants/nobody/boards",
        "/v1/tenants/disabled/boards",
        "/v1/tenants/%2E%2E/boards",
    ],
)
def test_every_miss_is_the_same_404(client, auth, new_tenant, path):
    new_tenant("acme", "fams", "sleuth")
    client.patch("/v1/admin/tenants/acme/boards/sleuth", json={"enabled": False}, headers=auth)
    new_tenant("disabled", "fams")
    client.post("/v1/admin/tenants/disabled/disable", headers=auth)

    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_grant_and_revoke_show_on_the_next_resolve(client, auth, new_tenant, read_metric):
    new_tenant("acme", "fams")
    assert client.get("/v1/resolve/acme/roughnator").status_code == 404
    assert client.get("/v1/resolve/acme/fams").status_code == 200
    hits = read_metric(client, "registry_cache_hits")
    assert client.get("/v1/resolve/acme/fams").status_code == 200
    assert read_metric(client, "registry_cache_hits") == hits + 1

    client.post("/v1/admin/tenants/acme/boards", json={"board": "roughnator"}, headers=auth)
    assert client.get("/v1/resolve/acme/roughnator").json()["board"]["board"] == "roughnator"

    client.delete("/v1/admin/tenants/acme/boards/roughnator", headers=auth)
    assert client.get("/v1/resolve/acme/roughnator").status_code == 404

    client.post("/v1/admin/tenants/acme/disable", headers=auth)
    assert client.get("/v1/resolve/acme/fams").status_code == 404
    client.post("/v1/admin/tenants/acme/enable", headers=auth)
    assert client.get("/v1/resolve/acme/fams").status_code == 200


def test_unknown_tenant_is_negatively_cached_until_created(client, auth, read_metric):
    assert client.get("/v1/routes/later").status_code == 404
    reads = read_metric(client, "registry_db_route_reads")
    assert client.get("/v1/routes/LATER").status_code == 404
    assert read_metric(client, "registry_db_route_reads") == reads

    client.post("/v1/admin/tenants", json={"slug": "later"}, headers=auth)

    assert client.get("/v1/routes/later").status_code == 200


def test_writes_publish_the_tenant_on_the_change_channel(client, auth, settings):
    listener = redis.Redis.from_url(settings.redis_url).pubsub(ignore_subscribe_messages=True)
    listener.subscribe("dazzler:registry:changes")
    try:
        client.post("/v1/admin/tenants", json={"slug": "PubCo"}, headers=auth)
        client.post("/v1/admin/tenants/pubco/boards", json={"board": "fams"}, headers=auth)
        seen = []
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            message = listener.get_message(timeout=0.2)
            if message and json.loads(message["data"]) == {"tenant": "pubco"}:
                seen.append(message)
        assert len(seen) == 2
    finally:
        listener.close()


def test_failed_write_publishes_nothing(client, auth, new_tenant, settings):
    new_tenant("acme")
    listener = redis.Redis.from_url(settings.redis_url).pubsub(ignore_subscribe_messages=True)
    listener.subscribe("dazzler:registry:changes")
    try:
        response = client.post("/v1/admin/tenants", json={"slug": "ACME"}, headers=auth)
        assert response.status_code == 409
        messages = []
        while (message := listener.get_message(timeout=0.3)) is not None:
            messages.append(json.loads(message["data"]))
        assert {"tenant": "acme"} not in messages
    finally:
        listener.close()


def test_health_ready_and_metrics(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}
    client.get("/v1/routes/nobody")
    text = client.get("/metrics").text
    assert "registry_cache_misses_total" in text
    assert 'registry_http_requests_total{handler="routes",method="GET",status="404"}' in text
