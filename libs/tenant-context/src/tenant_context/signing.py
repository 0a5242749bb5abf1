"""Signing and verifying the tenant context header.

Wire format::

    X-Dazzler-Context: <base64url of the context's JSON, no padding>
    X-Dazzler-Context-Signature: v2=<unix seconds>:<hex HMAC-SHA256>

The MAC covers the timestamp, the request method, the board service the request is sent
to and the context header value (which holds the public prefix), each on its own line.
So neither the context nor its timestamp can be changed, a captured pair goes stale
after ``max_age`` seconds, and until then it is good only for the same method, the same
board service and the same public prefix: a context captured from a page load cannot
drive a callback, reach another board service or stand for another path.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

from pydantic import ValidationError

from tenant_context.catalogue import board_info
from tenant_context.model import TenantContext

CONTEXT_HEADER = "X-Dazzler-Context"
SIGNATURE_HEADER = "X-Dazzler-Context-Signature"
# Set by the gateway to the public prefix without its final "/"; when a request carries
# it, it must be the prefix the context was signed for.
PREFIX_HEADER = "X-Forwarded-Prefix"
_VERSION = "v2"


class ContextError(Exception):
    """A request's tenant context cannot be trusted; the board must answer 403."""


class MissingContext(ContextError):
    """The request carries no context or no signature: it did not come through the gateway."""


class MalformedContext(ContextError):
    """The headers are present but cannot be decoded."""


class BadSignature(ContextError):
    """The signature does not match the context (wrong secret or a forged context)."""


class StaleContext(ContextError):
    """The signature is older than allowed, or too far in the future."""


def _mac(secret: bytes, timestamp: int, method: str, service: str, encoded: str) -> str:
    # Newlines cannot occur in any part (methods, service names, base64url), so the parts
    # cannot be shifted into one another.
    message = f"{_VERSION}\n{timestamp}\n{method.upper()}\n{service}\n{encoded}"
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def _service_of(context: TenantContext) -> str:
    info = board_info(context.board)
    if info is None:
        raise ValueError(f"board {context.board!r} is not in the catalogue: name its service")
    return info.service


def sign_context(
    context: TenantContext,
    secret: str | bytes,
    *,
    method: str,
    service: str | None = None,
    now: float | None = None,
) -> dict[str, str]:
    """Return the two headers that carry ``context`` signed with ``secret`` for one
    ``method`` sent to board ``service`` (default: the catalogue's service of the
    context's board) under the context's public prefix."""
    key = secret.encode() if isinstance(secret, str) else secret
    encoded = base64.urlsafe_b64encode(context.model_dump_json().encode()).decode().rstrip("=")
    timestamp = int(time.time() if now is None else now)
    mac = _mac(key, timestamp, method, service or _service_of(context), encoded)
    return {CONTEXT_HEADER: encoded, SIGNATURE_HEADER: f"{_VERSION}={timestamp}:{mac}"}


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value


def _decode(encoded: str) -> TenantContext:
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        return TenantContext.model_validate_json(raw)
    except (ValueError, ValidationError) as exc:
        raise MalformedContext("unreadable tenant context") from exc


def verify_context(
    headers: Mapping[str, str],
    secret: str | bytes,
    *,
    method: str,
    service: str,
    max_age: float = 60.0,
    now: float | None = None,
) -> TenantContext:
    """Return the context carried by ``headers`` if its signature is good and fresh and
    was made for this ``method`` sent to this board ``service`` (the verifier's own).

    A request that carries ``X-Forwarded-Prefix`` must carry the prefix the context was
    signed for. Raises MissingContext, MalformedContext, BadSignature or StaleContext
    (all ContextError).
    """
    encoded = _header(headers, CONTEXT_HEADER)
    signature = _header(headers, SIGNATURE_HEADER)
    if not encoded or not signature:
        raise MissingContext("request did not come through the gateway")
    version, _, rest = signature.partition("=")
    stamp, _, mac = rest.partition(":")
    if version != _VERSION or not stamp.isdigit() or not mac:
        raise MalformedContext("unreadable context signature")
    key = secret.encode() if isinstance(secret, str) else secret
    timestamp = int(stamp)
    if not hmac.compare_digest(_mac(key, timestamp, method, service, encoded), mac):
        raise BadSignature("context signature does not match")
    current = time.time() if now is None else now
    if abs(current - timestamp) > max_age:
        raise StaleContext("context signature has expired")
    context = _decode(encoded)
    forwarded = _header(headers, PREFIX_HEADER)
    if forwarded is not None and forwarded.rstrip("/") + "/" != context.public_prefix:
        raise BadSignature("context was signed for another path prefix")
    return context
