"""A read that fills the cache while a write commits must not keep the old table.

The read is held after it has read the database and before it fills the cache; the
write commits (and invalidates) in that gap. The next request must see the write, with
Redis as the cache and with the in-process cache alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from registry import migrate as migrations
from registry.app import create_app
from registry.cache import RouteCache
from registry.config import Settings
from registry.tokens import service as token_service

pytestmark = pytest.mark.integration

WAIT = 10.0


class HeldFill:
    """Stops the next cache fill until released, after its database read is done."""

    def __init__(self, put: Callable[..., Any]) -> None:
        self._put = put
        self.armed = False
        self.waiting = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.armed:
            self.armed = False
            self.waiting.set()
            self.release.wait(WAIT)
        return self._put(*args, **kwargs)


@dataclass
class Registry:
    client: TestClient
    auth: dict[str, str]
    held: HeldFill


@pytest.fixture(params=["redis", "in-process"])
def registry(
    request: pytest.FixtureRequest, settings: Settings, scratch_database_url: str
) -> Iterator[Registry]:
    # Real commits on separate connections: the reader and the writer must not share
    # the rolled-back test transaction.
    migrations.upgrade(scratch_database_url)
    redis_url = settings.redis_url if request.param == "redis" else ""
    app = create_app(
        settings.model_copy(update={"database_url": scratch_database_url, "redis_url": redis_url})
    )
    runtime = app.state.runtime
    with runtime.session_factory() as session:
        token = token_service.create(session=session, name="ops")
        session.commit()
    cache: RouteCache = runtime.cache
    held = HeldFill(cache.put)
    cache.put = held  # type: ignore[method-assign]
    with TestClient(app) as client:
        yield Registry(client, {"Authorization": f"Bearer {token}"}, held)
    runtime.close()


def _boards(body: dict[str, Any]) -> list[str]:
    return [board["board"] for board in body["boards"]]


def _race(registry: Registry, read_path: str, write: Callable[[], int]) -> tuple[int, int]:
    """Run ``write`` while a read of ``read_path`` waits to fill the cache; both statuses."""
    registry.held.armed = True
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow_read = pool.submit(registry.client.get, read_path)
        assert registry.held.waiting.wait(WAIT), "the read never reached the cache fill"
        status = write()
        registry.held.release.set()
        return slow_read.result(WAIT).status_code, status


def test_grant_during_a_slow_read_shows_on_the_next_request(
    registry: Registry, read_metric: Callable[[TestClient, str], float]
) -> None:
    client, auth = registry.client, registry.auth
    assert client.post("/v1/admin/tenants", json={"slug": "acme"}, headers=auth).status_code == 201
    grant = {"board": "fams"}
    assert client.post("/v1/admin/tenants/acme/boards", json=grant, headers=auth).status_code == 201

    def grant_roughnator() -> int:
        body = {"board": "roughnator"}
        return client.post("/v1/admin/tenants/acme/boards", json=body, headers=auth).status_code

    assert _race(registry, "/v1/routes/acme", grant_roughnator) == (200, 201)
    assert read_metric(client, "registry_cache_fills_refused") == 1
    assert _boards(client.get("/v1/routes/acme").json()) == ["fams", "roughnator"]
    assert client.get("/v1/resolve/acme/roughnator/x").status_code == 200


def test_tenant_created_during_a_slow_miss_is_found_next(registry: Registry) -> None:
    client, auth = registry.client, registry.auth

    def create_later() -> int:
        body = {"slug": "Later"}
        return client.post("/v1/admin/tenants", json=body, headers=auth).status_code

    assert _race(registry, "/v1/routes/later", create_later) == (404, 201)
    assert client.get("/v1/routes/later").json()["tenant"]["slug"] == "Later"


def test_unraced_reads_still_fill_the_cache(
    registry: Registry, read_metric: Callable[[TestClient, str], float]
) -> None:
    client, auth = registry.client, registry.auth
    client.post("/v1/admin/tenants", json={"slug": "acme"}, headers=auth)
    client.get("/v1/routes/acme")
    reads = read_metric(client, "registry_db_route_reads")

    for _ in range(3):
        assert client.get("/v1/routes/acme").status_code == 200

    assert read_metric(client, "registry_db_route_reads") == reads
