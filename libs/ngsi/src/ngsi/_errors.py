"""The one place where httpx, JSON and parsing failures become ngsi exceptions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pydantic

from ngsi._exceptions import (
    ApiError,
    NgsiConnectError,
    NgsiError,
    NgsiTimeout,
    ResponseFormatError,
    TransportError,
)

# Looked up along each exception's MRO, so the nearest listed ancestor wins: ConnectTimeout
# is a timeout before it is a transport error. Every httpx exception class must resolve
# to an entry here; a test walks httpx to make sure.
HTTPX_EXCEPTION_MAP: dict[type[Exception], type[NgsiError]] = {
    httpx.TimeoutException: NgsiTimeout,
    httpx.ConnectError: NgsiConnectError,
    httpx.TransportError: TransportError,
    httpx.TooManyRedirects: TransportError,
    httpx.RequestError: TransportError,
    httpx.DecodingError: ResponseFormatError,
    httpx.HTTPStatusError: ApiError,
    httpx.HTTPError: NgsiError,
    httpx.InvalidURL: NgsiError,
    httpx.CookieConflict: NgsiError,
    httpx.StreamError: NgsiError,
}

# httpx has no single root: these four cover every exception it defines.
HTTPX_ROOTS = (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict, httpx.StreamError)
_PARSE_ERRORS = (
    json.JSONDecodeError,
    UnicodeDecodeError,
    pydantic.ValidationError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
)
_CLASS_REPR_RE = re.compile(r"^<class '(?:[\w.]+\.)?(\w+)'>$")
_MAX_TEXT = 500


def ngsi_class_for(exc_type: type[BaseException]) -> type[NgsiError] | None:
    """The ngsi exception class an httpx exception class translates to, if any."""
    for klass in exc_type.__mro__:
        mapped = HTTPX_EXCEPTION_MAP.get(klass)
        if mapped is not None:
            return mapped
    return None


def translate_httpx_error(exc: Exception) -> NgsiError:
    """Build the ngsi exception for one httpx exception (not raised here)."""
    if isinstance(exc, httpx.HTTPStatusError):
        return api_error(exc.response)
    target = ngsi_class_for(type(exc)) or NgsiError
    detail = str(exc) or type(exc).__name__
    return target(f"{type(exc).__name__}: {detail}")


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn anything an HTTP exchange or the parsing of its answer raises into NgsiError.

    Wraps every ``send`` and every parsing step, so no httpx exception, KeyError or
    pydantic ValidationError reaches a caller.
    """
    try:
        yield
    except NgsiError:
        raise
    except HTTPX_ROOTS as exc:
        raise translate_httpx_error(exc) from exc
    except _PARSE_ERRORS as exc:
        raise ResponseFormatError(f"unreadable answer: {type(exc).__name__}: {exc}") from exc


def api_error(response: httpx.Response) -> ApiError:
    """Normalise one error answer (any of QL's three formats, or Orion's) into ApiError."""
    code = response.reason_phrase or f"HTTP {response.status_code}"
    description = ""
    try:
        body: Any = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
        description = response.text[:_MAX_TEXT] if _is_text(response) else ""
    if isinstance(body, dict):
        if "error" in body:
            code = _short_code(str(body["error"]))
            description = _text(body.get("description"))
        elif "title" in body or "detail" in body:
            code = _text(body.get("title")) or code
            description = _text(body.get("detail"))
        else:
            description = json.dumps(body)[:_MAX_TEXT]
    elif isinstance(body, str):
        description = body[:_MAX_TEXT]
    elif body is not None:
        description = json.dumps(body)[:_MAX_TEXT]
    return ApiError(response.status_code, code, description)


def is_ql_no_data(response: httpx.Response) -> bool:
    """QL 1.0.0's way of saying "no records": 404 with ``error == "Not Found"``."""
    if response.status_code != httpx.codes.NOT_FOUND:
        return False
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(body, dict) and body.get("error") == "Not Found"


def _short_code(value: str) -> str:
    match = _CLASS_REPR_RE.match(value)
    return match.group(1) if match else value


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _is_text(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "")
    return content_type.startswith("text/") or not content_type
