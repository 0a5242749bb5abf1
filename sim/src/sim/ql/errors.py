"""QL's three error formats, raised as exceptions and rendered in one place.

- connexion validation: ``application/problem+json`` ``{"detail","status","title","type"}``
- handler logic: ``{"error","description"}``
- catch-alls and notify: a bare JSON string
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"

_NOT_FOUND_DETAIL = (
    "The requested URL was not found on the server. If you entered the URL manually "
    "please check your spelling and try again."
)
_SERVER_ERROR_DETAIL = (
    "The server encountered an internal error and was unable to complete your request. "
    "Either the server is overloaded or there is an error in the application."
)


class QLError(Exception):
    """Root of the stand-in's QL errors."""


class Problem(QLError):
    """A connexion-style validation failure."""

    def __init__(self, status_code: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.title = title
        self.detail = detail


class HandlerError(QLError):
    """A QL handler's ``{"error","description"}`` answer."""

    def __init__(self, status_code: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status_code = status_code
        self.error = error
        self.description = description


class NoRecords(QLError):
    """Nothing matched: 404 on QL 1.0.0, 200 ``[]`` on 1.0.1."""


class NotificationCrash(QLError):
    """A notification QL cannot store (e.g. key-value attributes): a 500 problem."""


class PlainMessage(QLError):
    """An answer whose body is a bare JSON string."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def bad_parameters(description: str) -> HandlerError:
    return HandlerError(status.HTTP_400_BAD_REQUEST, "Bad parameters use", description)


def not_implemented_option() -> HandlerError:
    return HandlerError(
        status.HTTP_501_NOT_IMPLEMENTED,
        "Not implemented option",
        "aggrScope and options are not yet implemented.",
    )


def invalid_date(value: str) -> HandlerError:
    return HandlerError(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        "<class 'exceptions.exceptions.InvalidParameterValue'>",
        f"The parameter value '{value}' for parameter **fromDate** or **toDate** is not valid.",
    )


def aggregation_not_applicable() -> HandlerError:
    return HandlerError(
        status.HTTP_404_NOT_FOUND,
        "AggrMethod cannot be applied",
        "AggrMethod cannot be applied on type TEXT and BOOLEAN.",
    )


def ambiguous_id(entity_id: str) -> HandlerError:
    return HandlerError(
        status.HTTP_400_BAD_REQUEST,
        "<class 'exceptions.exceptions.AmbiguousNGSIIdError'>",
        f"There are multiple entities with the given entity_id {entity_id}. "
        "Please specify entity_type.",
    )


def problem_response(status_code: int, title: str, detail: str) -> JSONResponse:
    body = {"detail": detail, "status": status_code, "title": title, "type": "about:blank"}
    return JSONResponse(body, status_code=status_code, media_type=PROBLEM_JSON)


def no_records_response(dialect: str) -> JSONResponse:
    if dialect == "1.0.0":
        body: Any = {"error": "Not Found", "description": "No records were found for such query."}
        return JSONResponse(body, status_code=status.HTTP_404_NOT_FOUND)
    return JSONResponse([], status_code=status.HTTP_200_OK)


def install_error_handlers(app: FastAPI, dialect: str) -> None:
    """Map every QL exception (and unknown paths) to QL's exact status and body."""

    async def on_problem(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc.status_code, exc.title, exc.detail)

    async def on_handler_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HandlerError)
        body = {"error": exc.error, "description": exc.description}
        return JSONResponse(body, status_code=exc.status_code)

    async def on_no_records(_: Request, __: Exception) -> JSONResponse:
        return no_records_response(dialect)

    async def on_crash(_: Request, __: Exception) -> JSONResponse:
        return problem_response(
            status.HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error", _SERVER_ERROR_DETAIL
        )

    async def on_plain(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PlainMessage)
        return JSONResponse(exc.message, status_code=exc.status_code)

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
            return problem_response(
                exc.status_code,
                "Method Not Allowed",
                "The method is not allowed for the requested URL.",
            )
        return problem_response(status.HTTP_404_NOT_FOUND, "Not Found", _NOT_FOUND_DETAIL)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(HandlerError, on_handler_error)
    app.add_exception_handler(NoRecords, on_no_records)
    app.add_exception_handler(NotificationCrash, on_crash)
    app.add_exception_handler(PlainMessage, on_plain)
    app.add_exception_handler(StarletteHTTPException, on_http)
