"""Orion's ``{"error","description"}`` errors, raised as exceptions and rendered in one place."""

from __future__ import annotations

import uuid

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class OrionError(Exception):
    """An Orion error answer."""

    def __init__(self, status_code: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status_code = status_code
        self.error = error
        self.description = description


def bad_request(description: str) -> OrionError:
    return OrionError(status.HTTP_400_BAD_REQUEST, "BadRequest", description)


def parse_error(description: str = "Errors found in incoming JSON buffer") -> OrionError:
    return OrionError(status.HTTP_400_BAD_REQUEST, "ParseError", description)


def not_found(
    description: str = "The requested entity has not been found. Check type and id",
) -> OrionError:
    return OrionError(status.HTTP_404_NOT_FOUND, "NotFound", description)


def unprocessable(description: str) -> OrionError:
    return OrionError(status.HTTP_422_UNPROCESSABLE_CONTENT, "Unprocessable", description)


def too_many_results() -> OrionError:
    return OrionError(
        status.HTTP_409_CONFLICT,
        "TooManyResults",
        "More than one matching entity. Please refine your query",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Every failure, including unknown paths and wrong methods, in Orion's format."""

    async def on_orion(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, OrionError)
        return JSONResponse(
            {"error": exc.error, "description": exc.description}, status_code=exc.status_code
        )

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
            body = {"error": "MethodNotAlowed", "description": "method not allowed"}
        else:
            body = {
                "error": "BadRequest",
                "description": "Service not found. Check your URL as probably it is wrong.",
            }
            exc.status_code = status.HTTP_400_BAD_REQUEST
        return JSONResponse(body, status_code=exc.status_code)

    async def on_validation(_: Request, __: Exception) -> JSONResponse:
        return JSONResponse(
            {"error": "BadRequest", "description": "invalid request"},
            status_code=status.HTTP_400_BAD_REQUEST,
        )

    app.add_exception_handler(OrionError, on_orion)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)


class CorrelatorMiddleware:
    """Orion answers every request with a `Fiware-Correlator` (the caller's, or a new one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlator = next(
            (v for k, v in scope["headers"] if k == b"fiware-correlator"),
            str(uuid.uuid4()).encode(),
        )

        async def send_with_correlator(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"fiware-correlator", correlator),
                ]
            await send(message)

        await self.app(scope, receive, send_with_correlator)
