"""FastAPI dependencies, declared once and used as ``Annotated`` aliases by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from registry.config import Settings
from registry.runtime import Runtime
from registry.tenants import service as tenant_service
from registry.tenants.models import Tenant
from registry.tokens import service as token_service
from registry.unit_of_work import UnitOfWork

_bearer = HTTPBearer(auto_error=False, description="An admin token from `tokens create`.")


def get_runtime(request: Request) -> Runtime:
    """The app's engine, cache and metrics."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_settings_dep(runtime: RuntimeDep) -> Settings:
    """The settings the app was built with."""
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """A session for this request; it connects on first use, so cache hits never do."""
    with runtime.session_factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_admin(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The name of the admin token on the request; Unauthorized otherwise."""
    token = credentials.credentials if credentials is not None else None
    return token_service.authenticate(session=session, token=token)


AdminDep = Annotated[str, Depends(get_admin)]


def get_unit_of_work(session: SessionDep, runtime: RuntimeDep, actor: AdminDep) -> UnitOfWork:
    """The transaction of an authenticated write."""
    return UnitOfWork(session, runtime.cache, actor)


WriteDep = Annotated[UnitOfWork, Depends(get_unit_of_work)]


def get_tenant(
    session: SessionDep,
    _admin: AdminDep,
    tenant: Annotated[str, Path(description="Tenant slug, any case.")],
) -> Tenant:
    """The tenant named in the path (admin API); TenantNotFound otherwise."""
    return tenant_service.get_or_raise(session=session, slug=tenant)


TenantDep = Annotated[Tenant, Depends(get_tenant)]
