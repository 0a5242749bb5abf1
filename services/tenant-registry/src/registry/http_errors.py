"""The one place where exceptions become HTTP responses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from registry import errors

log = logging.getLogger(__name__)

# Most specific first: the first matching class decides.
STATUS_AND_CODE: dict[type[errors.RegistryError], tuple[int, str]] = {
    errors.RouteNotFound: (status.HTTP_404_NOT_FOUND, "not_found"),
    errors.TenantNotFound: (status.HTTP_404_NOT_FOUND, "tenant_not_found"),
    errors.GrantNotFound: (status.HTTP_404_NOT_FOUND, "grant_not_found"),
    errors.MonitorNotFound: (status.HTTP_404_NOT_FOUND, "monitor_not_found"),
    errors.SlugConflict: (status.HTTP_409_CONFLICT, "slug_taken"),
    errors.MountPathConflict: (status.HTTP_409_CONFLICT, "mount_path_taken"),
    errors.BoardAlreadyGranted: (status.HTTP_409_CONFLICT, "board_already_granted"),
    errors.TokenNameTaken: (status.HTTP_409_CONFLICT, "token_name_taken"),
    errors.Unauthorized: (status.HTTP_401_UNAUTHORIZED, "unauthorized"),
}

NOT_FOUND_BODY = {"detail": "Not found", "code": "not_found"}
DATABASE_UNAVAILABLE_BODY = {
    "detail": "The registry database is unavailable; try again later",
    "code": "database_unavailable",
}


def _status_and_code(exc: errors.RegistryError) -> tuple[int, str]:
    for cls in type(exc).__mro__:
        if cls in STATUS_AND_CODE:
            return STATUS_AND_CODE[cls]
    return status.HTTP_500_INTERNAL_SERVER_ERROR, "internal_error"


async def _registry_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.RegistryError)
    status_code, code = _status_and_code(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status_code == 401 else None
    return JSONResponse({"detail": exc.detail, "code": code}, status_code, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details: list[dict[str, Any]] = []
    for error in exc.errors():
        # ctx may hold the raised exception object, which is not JSON.
        details.append(
            {
                "loc": list(error.get("loc", ())),
                "field": ".".join(str(part) for part in error.get("loc", ())[1:]),
                "msg": error.get("msg", ""),
                "type": error.get("type", ""),
            }
        )
    return JSONResponse(
        {"detail": jsonable_encoder(details), "code": "validation_error"},
        status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == status.HTTP_404_NOT_FOUND:
        # Unmatched URLs (an encoded slash, a missing segment) look like any unknown tenant.
        return JSONResponse(NOT_FOUND_BODY, exc.status_code)
    return JSONResponse(
        {"detail": exc.detail, "code": f"http_{exc.status_code}"},
        exc.status_code,
        headers=exc.headers,
    )


async def _database_down(_request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", exc.__class__.__name__)
    return JSONResponse(DATABASE_UNAVAILABLE_BODY, status.HTTP_503_SERVICE_UNAVAILABLE)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if exc.connection_invalidated:
        return await _database_down(request, exc)
    log.exception("database error", exc_info=exc)
    return JSONResponse(
        {"detail": "Internal server error", "code": "internal_error"},
        status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def install(app: FastAPI) -> None:
    """Register every handler on ``app``."""
    app.add_exception_handler(errors.RegistryError, _registry_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(PoolTimeout, _database_down)
    app.add_exception_handler(DBAPIError, _database_error)
