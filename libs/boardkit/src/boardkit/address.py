"""A board's state in its address: ``?entity=…&window=…&n=…&from=…&to=…&theme=…`` for a
live board, ``?<choice>=…`` for the choices a panel view keeps there (``?insight=…&kpi=…``),
and ``palette=…`` on a board that offers palettes.

Copying the address opens the same view; values a person mistyped or that no longer make
sense fall back to the board's defaults, and the returned notices say which ones did.
``embed=1`` shows the board without navigation, title and footer (for iframes).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from urllib.parse import parse_qs, urlencode

from tenant_context import TenantContext, Theme

from boardkit.windows import CUSTOM, LAST_N, MAX_LAST_N, SPANS

WINDOWS = frozenset({LAST_N, CUSTOM, *SPANS})
THEMES: frozenset[str] = frozenset({"light", "dark"})
_KNOWN = frozenset({"entity", "window", "n", "from", "to", "theme", "palette", "embed"})


@dataclass(frozen=True, slots=True)
class Address:
    """What the address asks for; None means 'the board's default'."""

    entities: tuple[str, ...] = ()
    window: str | None = None
    last_n: int | None = None
    start: str | None = None
    end: str | None = None
    theme: Theme | None = None
    palette: str | None = None
    embed: bool = False
    choices: tuple[tuple[str, str], ...] = ()

    def choice(self, name: str) -> str | None:
        """The value the address gives a panel view's choice ``name`` (None: not given)."""
        return next((value for key, value in self.choices if key == name), None)


def read_address(
    search: str | None, choices: Collection[str] = (), palettes: Collection[str] = ()
) -> tuple[Address, list[str]]:
    """The state ``search`` (``location.search``, with or without ``?``) asks for, and a
    notice for every value that was not understood (that value is left at its default).

    ``choices`` names a panel view's choices kept in the address; an empty value is no
    choice. ``palettes`` are the board's palette slugs (none: ``palette`` is unknown)."""
    query = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    chosen = tuple((name, value) for name in choices if (value := _last(query, name) or "").strip())
    notices: list[str] = []
    entities = tuple(e for e in query.get("entity", []) if e.strip())
    window = _last(query, "window")
    if window is not None and window not in WINDOWS:
        notices.append(f"unknown time window {window!r} in the address")
        window = None
    last_n: int | None = None
    raw_n = _last(query, "n")
    if raw_n is not None:
        if raw_n.strip().isdecimal() and 1 <= int(raw_n) <= MAX_LAST_N:
            last_n = int(raw_n)
        else:
            notices.append(f"{raw_n!r} is not a number of points from 1 to {MAX_LAST_N}")
    start = _range_end(query, "from", "start", notices)
    end = _range_end(query, "to", "end", notices)
    if ("from" in query and start is None) or ("to" in query and end is None):
        # Half a range is not the range that was shared: show the board's default window.
        start = end = None
        if window == CUSTOM:
            window = None
    theme = _last(query, "theme")
    if theme is not None and theme not in THEMES:
        notices.append(f"unknown theme {theme!r} in the address")
        theme = None
    palette = _last(query, "palette") if palettes else None
    if palette is not None and palette not in palettes:
        notices.append(f"unknown colour palette {palette!r} in the address")
        palette = None
    embed = _last(query, "embed")
    if embed not in (None, "0", "1"):
        notices.append(f"embed={embed!r} in the address is neither 0 nor 1")
    known = _KNOWN if palettes else _KNOWN - {"palette"}
    unknown = sorted(set(query) - known - set(choices))
    if unknown:
        notices.append("ignored in the address: " + ", ".join(unknown))
    return (
        Address(
            entities=entities,
            window=window,
            last_n=last_n,
            start=start,
            end=end,
            theme=cast("Theme | None", theme),
            palette=palette,
            embed=embed == "1",
            choices=chosen,
        ),
        notices,
    )


def address_notice(notices: list[str]) -> str:
    """What the page says about the values of its address it did not understand ("" when
    there are none)."""
    if not notices:
        return ""
    return "Not understood in the address, so the default is shown: " + "; ".join(notices)


def themed(context: TenantContext, search: str | None) -> TenantContext:
    """``context`` with the theme the address asks for (figures match the page)."""
    theme = read_address(search)[0].theme
    if theme is None or theme == context.theme:
        return context
    return context.model_copy(update={"theme": theme})


def write_address(address: Address) -> str:
    """``location.search`` for ``address`` ("" when it asks for nothing)."""
    pairs: list[tuple[str, str]] = [("entity", e) for e in address.entities]
    if address.window is not None:
        pairs.append(("window", address.window))
    if address.window == LAST_N and address.last_n is not None:
        pairs.append(("n", str(address.last_n)))
    if address.window == CUSTOM:
        pairs += [("from", address.start or ""), ("to", address.end or "")]
    pairs += list(address.choices)
    if address.theme is not None:
        pairs.append(("theme", address.theme))
    if address.palette is not None:
        pairs.append(("palette", address.palette))
    if address.embed:
        pairs.append(("embed", "1"))
    return "?" + urlencode(pairs) if pairs else ""


def _last(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _range_end(
    query: dict[str, list[str]], name: str, label: str, notices: list[str]
) -> str | None:
    value = _last(query, name)
    if value is None or value == "":
        # An unfinished custom range is still a state worth keeping.
        return value
    try:
        datetime.fromisoformat(value)
    except ValueError:
        notices.append(f"the range {label} {value!r} is not a date and time")
        return None
    return value
