"""Every admin call needs a live bearer token; without one nothing changes."""

from __future__ import annotations

import pytest
from registry.audit.models import AuditEntry
from registry.boards.models import BoardGrant
from registry.tenants.models import Tenant
from registry.tokens import service as token_service
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

pytestmark = pytest.mark.integration

ADMIN_CALLS = [
    ("GET", "/v1/admin/tenants", None),
    ("POST", "/v1/admin/tenants", {"slug": "newco"}),
    ("GET", "/v1/admin/tenants/acme", None),
    ("PATCH", "/v1/admin/tenants/acme", {"display_name": "Changed"}),
    ("POST", "/v1/admin/tenants/acme/disable", None),
    ("POST", "/v1/admin/tenants/acme/enable", None),
    ("DELETE", "/v1/admin/tenants/acme", None),
    ("GET", "/v1/admin/tenants/acme/boards", None),
    ("POST", "/v1/admin/tenants/acme/boards", {"board": "fams"}),
    ("GET", "/v1/admin/tenants/acme/boards/roughnator", None),
    ("PATCH", "/v1/admin/tenants/acme/boards/roughnator", {"mount_path": "rough"}),
    ("DELETE", "/v1/admin/tenants/acme/boards/roughnator", None),
    ("GET", "/v1/admin/audit", None),
]


def _state(factory: sessionmaker[Session]) -> tuple[object, ...]:
    with factory() as session:
        tenants = session.execute(
            select(Tenant.slug, Tenant.display_name, Tenant.enabled).order_by(Tenant.slug)
        ).all()
        grants = session.execute(select(BoardGrant.board, BoardGrant.mount_path)).all()
        audit = session.scalar(select(func.count()).select_from(AuditEntry))
        return tuple(tenants), tuple(grants), audit


def _revoked_token(factory: sessionmaker[Session]) -> str:
    with factory() as session:
        value = token_service.create(session=session, name="retired")
        token_service.revoke(session=session, name="retired")
        session.commit()
    return value


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
@pytest.mark.parametrize("credential", ["none", "wrong", "revoked", "not-bearer"])
def test_admin_call_without_valid_token_is_401_and_changes_nothing(
    client, session_factory, new_tenant, method, path, body, credential
):
    new_tenant("acme", "roughnator")
    headers = {
        "none": {},
        "wrong": {"Authorization": "Bearer dzr_not-a-real-token"},
        "revoked": {"Authorization": f"Bearer {_revoked_token(session_factory)}"},
        "not-bearer": {"Authorization": "Basic YWRtaW46YWRtaW4="},
    }[credential]
    before = _state(session_factory)

    response = client.request(method, path, json=body, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"
    assert _state(session_factory) == before


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
def test_admin_call_with_live_token_succeeds(client, auth, new_tenant, method, path, body):
    new_tenant("acme", "roughnator")

    response = client.request(method, path, json=body, headers=auth)

    assert 200 <= response.status_code < 300, response.text


def test_auth_is_checked_before_the_body(client):
    response = client.post("/v1/admin/tenants", json={"slug": ""})

    assert response.status_code == 401


def test_revoking_a_token_locks_it_out_at_once(client, session_factory, token, auth):
    assert client.get("/v1/admin/tenants", headers=auth).status_code == 200
    with session_factory() as session:
        name = token_service.authenticate(session=session, token=token)
        assert token_service.revoke(session=session, name=name)
        session.commit()

    assert client.get("/v1/admin/tenants", headers=auth).status_code == 401


def test_changes_are_audited_under_the_token_name(client, session_factory, token, auth):
    with session_factory() as session:
        name = token_service.authenticate(session=session, token=token)

    client.post("/v1/admin/tenants", json={"slug": "acme"}, headers=auth)
    entries = client.get("/v1/admin/audit", params={"tenant": "ACME"}, headers=auth).json()

    assert entries["total"] == 1
    assert entries["items"][0]["actor"] == name
    assert entries["items"][0]["action"] == "create"
    assert entries["items"][0]["after"]["slug"] == "acme"
