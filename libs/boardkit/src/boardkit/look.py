"""The kit's theme picker on a panel page: a light/dark switch and, on a board that offers
palettes, a palette picker, both kept in the page address (``theme=``, ``palette=``).

The address decides when it changes (opened, reloaded, back/forward) and the picker
follows it; otherwise the picker decides and the address follows. A choice equal to the
page's default stays out of the address unless the address already names one, so opening
a board adds no history entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from dash import no_update
from tenant_context import Theme

from boardkit.address import THEMES, Address
from boardkit.guard import MalformedCallback
from boardkit.palettes import Palette


@dataclass(frozen=True, slots=True)
class Look:
    """The theme and palette the address keeps (None: it names none)."""

    theme: Theme | None = None
    palette: str | None = None


@dataclass(frozen=True, slots=True)
class PickedLook:
    """What the theme picker settled: what the address keeps, the theme to draw in and
    the picker's values to send (``no_update`` where the picker already shows them)."""

    kept: Look
    theme: Theme
    outputs: tuple[Any, ...]


def picked_look(
    asked: Address,
    default_theme: Theme,
    palettes: Sequence[Palette],
    picked: Sequence[Any],
    *,
    from_address: bool,
) -> PickedLook:
    """Settle the picker's ``picked`` values (theme, then palette when the board offers
    some) against the address's ``asked`` look."""
    theme_value = _picked(picked[0], THEMES, "the theme")
    slugs = [p.slug for p in palettes]
    palette_value = _picked(picked[1], slugs, "the palette") if palettes else None
    if from_address:
        theme = asked.theme or default_theme
        outputs: list[Any] = [theme if theme != theme_value else no_update]
        if palettes:
            palette = asked.palette or slugs[0]
            outputs.append(palette if palette != palette_value else no_update)
        return PickedLook(Look(asked.theme, asked.palette), theme, tuple(outputs))
    theme = cast("Theme", theme_value or default_theme)
    kept_theme = theme if asked.theme is not None or theme != default_theme else None
    kept_palette = palette_value
    if palette_value is not None and asked.palette is None and palette_value == slugs[0]:
        kept_palette = None
    outputs = [no_update] * (2 if palettes else 1)
    return PickedLook(Look(kept_theme, kept_palette), theme, tuple(outputs))


def _picked(value: Any, allowed: Any, what: str) -> str | None:
    """A picker's value: one it offers, or None (not set yet)."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        raise MalformedCallback(f"{what} is not one the picker offers")
    return value
