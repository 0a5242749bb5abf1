"""Who may show a board in a frame: ``Content-Security-Policy: frame-ancestors …``.

Embedding (``?embed=1``) is for a tenant's own portals, so the allowed frame ancestors are
a per-tenant board setting, ``frame_ancestors`` in the board grant's settings: a list of
CSP source expressions (or one space-separated string). Without it only the board's own
origin may frame it (``'self'``). A value that is not a list of source expressions is
refused whole and ``'self'`` is sent, because a half-applied policy could open framing to
origins nobody meant to allow.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from boardkit.context import ASGIApp, Message, Receive, Scope, Send, maybe_context

DEFAULT_FRAME_ANCESTORS = "'self'"
SETTING = "frame_ancestors"
_log = logging.getLogger("boardkit.framing")

# CSP Level 3 source expressions that make sense for frame-ancestors: keywords, schemes
# and host sources (optional scheme, optional leading wildcard, optional port and path).
_SOURCE = re.compile(
    r"""^(?:'self'|'none'
        |[a-z][a-z0-9+.-]*:
        |(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?
         (?:/[A-Za-z0-9._~%!$&'()*+,=:@/-]*)?
        |\*)$""",
    re.IGNORECASE | re.VERBOSE,
)


class InvalidFrameAncestors(ValueError):
    """The setting is not a list of CSP source expressions (the message names the first bad one)."""


def frame_ancestors(setting: Any) -> str:
    """The ``frame-ancestors`` sources for a board's ``frame_ancestors`` setting.

    Raises InvalidFrameAncestors for anything that is not source expressions."""
    if setting is None:
        return DEFAULT_FRAME_ANCESTORS
    if isinstance(setting, str):
        sources = setting.split()
    elif isinstance(setting, list) and all(isinstance(s, str) for s in setting):
        sources = [part for s in setting for part in s.split()]
    else:
        raise InvalidFrameAncestors("frame_ancestors must be a list of source expressions")
    if not sources:
        raise InvalidFrameAncestors("frame_ancestors is empty (use 'none' to forbid framing)")
    for source in sources:
        if not _SOURCE.match(source):
            raise InvalidFrameAncestors(f"{source!r} is not a CSP source expression")
    if "'none'" in sources and len(sources) > 1:
        raise InvalidFrameAncestors("'none' cannot be combined with other sources")
    return " ".join(sources)


class FrameAncestors:
    """Adds the tenant's ``frame-ancestors`` policy to every response of a tenant request
    (it sits inside the tenant gate, which has verified the context)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        context = maybe_context()
        if scope["type"] != "http" or context is None:
            await self.app(scope, receive, send)
            return
        try:
            sources = frame_ancestors(context.settings.get(SETTING))
        except InvalidFrameAncestors as exc:
            _log.warning("tenant %s board %s: %s", context.tenant, context.board, exc)
            sources = DEFAULT_FRAME_ANCESTORS
        policy = f"frame-ancestors {sources}".encode()

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"content-security-policy"
                ]
                message["headers"] = [*headers, (b"content-security-policy", policy)]
            await send(message)

        await self.app(scope, receive, with_policy)
