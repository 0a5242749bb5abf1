"""Admin API: a tenant's board grants."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from registry.boards import service as board_service
from registry.boards.schemas import GrantCreate, GrantRead, GrantUpdate
from registry.deps import TenantDep, WriteDep
from registry.schemas import error_responses

router = APIRouter(
    prefix="/tenants/{tenant}/boards",
    tags=["admin: boards"],
    responses=error_responses(401, 404),
)


@router.get("")
def list_grants(tenant: TenantDep) -> list[GrantRead]:
    """Every board granted to the tenant, by mount path."""
    return [GrantRead.model_validate(grant) for grant in tenant.grants]


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
def grant_board(tenant: TenantDep, data: GrantCreate, uow: WriteDep) -> GrantRead:
    """Grant a catalogue board, mounted at its slug unless told otherwise."""
    grant = board_service.grant(session=uow.session, actor=uow.actor, tenant=tenant, data=data)
    uow.commit(tenant.slug_key)
    return GrantRead.model_validate(grant)


@router.get("/{board}")
def read_grant(tenant: TenantDep, board: str) -> GrantRead:
    """One grant."""
    return GrantRead.model_validate(board_service.get_or_raise(tenant=tenant, board=board))


@router.patch("/{board}", responses=error_responses(409))
def update_grant(tenant: TenantDep, board: str, data: GrantUpdate, uow: WriteDep) -> GrantRead:
    """Move, reconfigure, enable or disable a grant."""
    grant = board_service.update(
        session=uow.session, actor=uow.actor, tenant=tenant, board=board, data=data
    )
    uow.commit(tenant.slug_key)
    return GrantRead.model_validate(grant)


@router.delete("/{board}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_board(tenant: TenantDep, board: str, uow: WriteDep) -> Response:
    """Take the board away from the tenant."""
    board_service.revoke(session=uow.session, actor=uow.actor, tenant=tenant, board=board)
    uow.commit(tenant.slug_key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
