"""Parsing ``/dazzler/<tenant>/-/<rest>`` once, from the raw path.

Each segment is percent-decoded exactly once and checked; the raw (still encoded) form
of the rest is what goes upstream, so the board decodes it once too and sees the same
path the gateway checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from tenant_context import TENANT_SLUG_RE

ROOT = b"/dazzler"
_MAX_PATH = 4096
# A percent sign left after one decoding (``%252F`` → ``%2F``) means double encoding:
# some layer behind us might decode it again and see a different path.
_STILL_ENCODED = re.compile(rb"%[0-9A-Fa-f]{2}")


@dataclass(frozen=True, slots=True)
class Segment:
    """One path segment: as sent, and decoded once."""

    raw: bytes
    text: str


@dataclass(frozen=True, slots=True)
class BoardPath:
    """A request under ``/dazzler/<tenant>/-/``.

    ``segments`` is what follows ``/-/``; an empty list is the tenant's home. A trailing
    slash shows as a final empty segment.
    """

    tenant: str
    tenant_raw: bytes
    segments: tuple[Segment, ...]

    @property
    def home_prefix(self) -> str:
        """The public path of the tenant's home, without the trailing slash."""
        return f"/dazzler/{self.tenant_raw.decode('ascii')}/-"


@dataclass(frozen=True, slots=True)
class Redirect:
    """The path names a place the gateway serves under another spelling."""

    location: str


class InvalidPath(ValueError):
    """The path is malformed or tries to escape its prefix."""


def _decode(raw: bytes) -> str:
    decoded = unquote_to_bytes(raw)
    if b"/" in decoded or b"\\" in decoded or b"\x00" in decoded:
        raise InvalidPath("encoded separator")
    if _STILL_ENCODED.search(decoded):
        raise InvalidPath("double encoding")
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidPath("not UTF-8") from exc
    if text in (".", "..") or any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise InvalidPath("dot segment or control character")
    return text


def parse(raw_path: bytes) -> BoardPath | Redirect:
    """Parse a raw path that starts with ``/dazzler/``.

    Returns the board path, or where to redirect; raises InvalidPath for anything else.
    """
    if len(raw_path) > _MAX_PATH or not raw_path.startswith(ROOT + b"/"):
        raise InvalidPath("outside /dazzler/")
    parts = raw_path[len(ROOT) + 1 :].split(b"/")
    tenant_raw = parts[0]
    # The tenant rule allows only ASCII letters, digits and "_": the raw segment must
    # already be in that form, so a percent-encoded tenant is refused too.
    tenant = tenant_raw.decode("latin-1")
    if not TENANT_SLUG_RE.fullmatch(tenant):
        raise InvalidPath("bad tenant")
    home = f"/dazzler/{tenant}/-/"
    rest = parts[1:]
    if not rest or rest == [b""] or rest == [b"-"]:
        return Redirect(home)
    if rest[0] != b"-":
        raise InvalidPath("expected /-/ after the tenant")
    after = rest[1:]
    segments: list[Segment] = []
    for index, raw in enumerate(after):
        if raw == b"":
            if index == len(after) - 1:
                segments.append(Segment(b"", ""))
                continue
            raise InvalidPath("empty segment")
        segments.append(Segment(raw, _decode(raw)))
    if segments == [Segment(b"", "")]:
        segments = []
    return BoardPath(tenant=tenant, tenant_raw=tenant_raw, segments=tuple(segments))
