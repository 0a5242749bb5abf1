"""The one place where gateway errors become HTTP answers."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from gateway.asgi import RawHeaders
from gateway.errors import (
    BoardUnavailable,
    BodyTooLarge,
    Forbidden,
    GatewayError,
    NotFound,
    RegistryUnavailable,
    Unauthorized,
    UpstreamFailed,
    UpstreamTimeout,
)


@dataclass(frozen=True, slots=True)
class _Kind:
    status: int
    code: str
    title: str
    message: str


_KINDS: dict[type[GatewayError], _Kind] = {
    NotFound: _Kind(404, "not_found", "Not found", "There is no dashboard at this address."),
    Unauthorized: _Kind(
        401, "unauthorized", "Sign-in required", "This address needs a valid bearer token."
    ),
    Forbidden: _Kind(
        403, "forbidden", "Forbidden", "Your token does not give access to this tenant."
    ),
    BodyTooLarge: _Kind(413, "body_too_large", "Request too large", "The request is too large."),
    RegistryUnavailable: _Kind(
        503,
        "registry_unavailable",
        "Temporarily unavailable",
        "Dazzler cannot check this address right now. Please try again shortly.",
    ),
    BoardUnavailable: _Kind(
        503, "board_unavailable", "Board unavailable", "The board is not running right now."
    ),
    UpstreamFailed: _Kind(
        502, "bad_gateway", "Bad gateway", "The board broke off its answer. Please try again."
    ),
    UpstreamTimeout: _Kind(
        504, "gateway_timeout", "Gateway timeout", "The board took too long to answer."
    ),
}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · Dazzler</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;
color:#222}}h1{{font-weight:600}}p{{color:#555}}</style></head>
<body><h1>{title}</h1><p>{message}</p>{back}</body></html>
"""
# Taken from the address alone, never looked up: the same 404 for an unknown tenant, a
# disabled one and an ungranted board, so the page reveals nothing about which exist.
_TENANT_BOARD_PATH = re.compile(r"^/dazzler/([A-Za-z0-9_-]{1,64})/-/")


def _back_link(path: str) -> str:
    found = _TENANT_BOARD_PATH.match(path)
    if found is None:
        return ""
    home = f"/dazzler/{found.group(1)}/-/"
    return f'<p><a href="{html.escape(home)}">Back to the boards</a></p>'


def render_error(
    exc: GatewayError, want_json: bool, path: str = ""
) -> tuple[int, bytes, bytes, RawHeaders]:
    """Return status, body, content type and extra headers for ``exc`` raised for ``path``
    (a 404 page under ``/dazzler/<tenant>/-/`` links back to that address's boards)."""
    kind = _KINDS[type(exc)]
    message = kind.message
    if isinstance(exc, BoardUnavailable):
        message = f"{exc.board_title} is not running right now. Please try again shortly."
    extra: RawHeaders = []
    if isinstance(exc, Unauthorized):
        extra.append((b"www-authenticate", b'Bearer realm="dazzler"'))
    if kind.status == 503:
        extra.append((b"retry-after", b"5"))
    if want_json:
        body = json.dumps({"detail": message, "code": kind.code}).encode()
        return kind.status, body, b"application/json", extra
    back = _back_link(path) if kind.status == 404 else ""
    page = _PAGE.format(title=html.escape(kind.title), message=html.escape(message), back=back)
    return kind.status, page.encode(), b"text/html; charset=utf-8", extra
