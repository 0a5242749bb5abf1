"""The board's state in the page address: ``?insight=<id>&kpi=<name>``.

A copied link or a reload opens the same insight and KPI; values that are not (or no
longer) there fall back to the defaults with a notice, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

INSIGHT = "insight"
KPI = "kpi"


@dataclass(frozen=True, slots=True)
class Address:
    """What the query string asks for (None: not asked)."""

    insight: str | None = None
    kpi: str | None = None


def read_address(search: str | None) -> Address:
    """The state a query string (``?a=b``, as ``location.search`` gives it) asks for."""
    query = parse_qs((search or "").lstrip("?"), keep_blank_values=True)

    def first(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    return Address(first(INSIGHT), first(KPI))


def write_address(address: Address) -> str:
    """``location.search`` for ``address`` ("" when it asks for nothing)."""
    pairs = [(k, v) for k, v in ((INSIGHT, address.insight), (KPI, address.kpi)) if v]
    return "?" + urlencode(pairs) if pairs else ""
