"""Redis or PostgreSQL going away: the registry keeps answering what it can, correctly."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from registry import migrate as migrations
from registry.app import create_app
from registry.config import Settings
from registry.tokens import service as token_service

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_redis_killed_and_restarted(
    database_url, session_factory, cache_prefix, private_redis, token, auth, read_metric, caplog
):
    settings = Settings(
        database_url=database_url,
        redis_url=private_redis.url,
        cache_prefix=cache_prefix,
        redis_retry_seconds=0.2,
    )
    app = create_app(settings)
    app.state.runtime.session_factory = session_factory
    caplog.set_level(logging.WARNING, logger="registry")
    with TestClient(app) as client:
        client.post("/v1/admin/tenants", json={"slug": "acme"}, headers=auth)
        client.post("/v1/admin/tenants/acme/boards", json={"board": "fams"}, headers=auth)
        client.get("/v1/resolve/acme/fams")
        hits = read_metric(client, "registry_cache_hits")
        client.get("/v1/resolve/acme/fams")
        assert read_metric(client, "registry_cache_hits") == hits + 1

        private_redis.kill()
        reads = read_metric(client, "registry_db_route_reads")
        for _ in range(5):
            assert client.get("/v1/resolve/acme/fams").json()["board"]["board"] == "fams"
        # A write during the outage is still visible at once: reads come from PostgreSQL.
        client.post("/v1/admin/tenants/acme/boards", json={"board": "sleuth"}, headers=auth)
        assert client.get("/v1/resolve/acme/sleuth").status_code == 200
        assert read_metric(client, "registry_db_route_reads") == reads + 6
        assert read_metric(client, "registry_db_fallbacks") >= 6
        assert read_metric(client, "registry_redis_up") == 0
        outage_logs = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
        assert len(outage_logs) == 1

        private_redis.start()

        def five_reads_from_the_cache() -> bool:
            reads = read_metric(client, "registry_db_route_reads")
            for _ in range(5):
                assert client.get("/v1/resolve/acme/sleuth").status_code == 200
            return read_metric(client, "registry_db_route_reads") == reads

        # Reconnecting may cost a read or two from the database; after that, reads stay
        # in the cache.
        deadline_checks = 40
        while not five_reads_from_the_cache():
            deadline_checks -= 1
            assert deadline_checks > 0, "the cache was never used again"
        assert read_metric(client, "registry_redis_up") == 1


def test_postgres_down_serves_cached_reads_and_refuses_writes(
    private_postgres, cache_prefix, read_metric
):
    migrations.upgrade(private_postgres.url)
    settings = Settings(
        database_url=private_postgres.url,
        redis_url="redis://127.0.0.1:6379/0",
        cache_prefix=cache_prefix,
    )
    app = create_app(settings)
    with app.state.runtime.session_factory() as session:
        token = token_service.create(session=session, name="ops")
        session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        client.post("/v1/admin/tenants", json={"slug": "acme"}, headers=auth)
        client.post("/v1/admin/tenants/acme/boards", json={"board": "fams"}, headers=auth)
        cached = client.get("/v1/routes/acme").json()
        client.get("/v1/routes/ghost")

        private_postgres.stop()

        assert client.get("/v1/routes/acme").json() == cached
        assert client.get("/v1/resolve/acme/fams/x").json()["board"]["board"] == "fams"
        assert client.get("/v1/tenants/acme/boards").status_code == 200
        assert client.get("/v1/routes/ghost").status_code == 404
        write = client.post("/v1/admin/tenants", json={"slug": "newco"}, headers=auth)
        assert write.status_code == 503
        assert write.json() == {
            "detail": "The registry database is unavailable; try again later",
            "code": "database_unavailable",
        }
        uncached = client.get("/v1/routes/other")
        assert uncached.status_code == 503
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200

        private_postgres.start()

        assert client.get("/readyz").status_code == 200
        created = client.post("/v1/admin/tenants", json={"slug": "newco"}, headers=auth)
        assert created.status_code == 201
