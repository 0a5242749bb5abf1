"""Signing and verifying the tenant context header.

Wire format::

    X-Dazzler-Context: <base64url of the context's JSON, no padding>
    X-Dazzler-Context-Signature: v1=<unix seconds>:<hex HMAC-SHA256>

The MAC covers ``"<unix seconds>.<context header value>"`` so that neither the context nor
its timestamp can be changed, and a captured header goes stale after ``max_age`` seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

from pydantic import ValidationError

from tenant_context.model import TenantContext

CONTEXT_HEADER = "X-Dazzler-Context"
SIGNATURE_HEADER = "X-Dazzler-Context-Signature"
_VERSION = "v1"


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


def _mac(secret: bytes, timestamp: int, encoded: str) -> str:
    return hmac.new(secret, f"{timestamp}.{encoded}".encode(), hashlib.sha256).hexdigest()


def sign_context(
    context: TenantContext, secret: str | bytes, *, now: float | None = None
) -> dict[str, str]:
    """Return the two headers that carry ``context`` signed with ``secret``."""
    key = secret.encode() if isinstance(secret, str) else secret
    encoded = base64.urlsafe_b64encode(context.model_dump_json().encode()).decode().rstrip("=")
    timestamp = int(time.time() if now is None else now)
    return {
        CONTEXT_HEADER: encoded,
        SIGNATURE_HEADER: f"{_VERSION}={timestamp}:{_mac(key, timestamp, encoded)}",
    }


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value


def verify_context(
    headers: Mapping[str, str],
    secret: str | bytes,
    *,
    max_age: float = 60.0,
    now: float | None = None,
) -> TenantContext:
    """Return the context carried by ``headers`` if its signature is good and fresh.

    Raises MissingContext, MalformedContext, BadSignature or StaleContext (all
    ContextError).
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
    if not hmac.compare_digest(_mac(key, timestamp, encoded), mac):
        raise BadSignature("context signature does not match")
    current = time.time() if now is None else now
    if abs(current - timestamp) > max_age:
        raise StaleContext("context signature has expired")
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        return TenantContext.model_validate_json(raw)
    except (ValueError, ValidationError) as exc:
        raise MalformedContext("unreadable tenant context") from exc
