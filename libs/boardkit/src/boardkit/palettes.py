"""Colour palettes a board may offer: overrides of Bootstrap 5.3's colour variables, button
colours, font and corner radius, chosen per viewer with ``?palette=<slug>``.

The kit writes every palette of a board into the board's page as one stylesheet whose
rules apply only under ``data-bk-palette="<slug>"``; the page shell sets that attribute
from the address, so switching palette needs no download and no board code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

COLOUR_NAMES = ("primary", "secondary", "success", "info", "warning", "danger", "light", "dark")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_LENGTH = re.compile(r"\d+(\.\d+)?(rem|em|px)")
# A font list is written into a stylesheet inside the page: nothing that could end the
# declaration, the rule or the <style> element.
_FONT = re.compile(r"[A-Za-z0-9 ,\"'-]+")


@dataclass(frozen=True, slots=True)
class Palette:
    """A named look: Bootstrap colours by name (``primary``… ``dark``, ``#rrggbb``), a
    font list and a corner radius; what it leaves out stays Bootstrap's."""

    slug: str
    label: str
    colours: Mapping[str, str] = field(default_factory=dict)
    font: str | None = None
    radius: str | None = None

    def __post_init__(self) -> None:
        if not _SLUG.fullmatch(self.slug):
            raise ValueError(f"palette slug {self.slug!r} is not lower-case letters, digits, -")
        if not self.label.strip():
            raise ValueError(f"palette {self.slug!r} needs a label")
        unknown = sorted(set(self.colours) - set(COLOUR_NAMES))
        if unknown:
            raise ValueError(f"palette {self.slug!r} names unknown colours {unknown}")
        for name, colour in self.colours.items():
            if not _HEX.fullmatch(colour):
                raise ValueError(f"palette {self.slug!r}: {name} {colour!r} is not #rrggbb")
        if self.font is not None and not _FONT.fullmatch(self.font):
            raise ValueError(f"palette {self.slug!r}: font {self.font!r} is not a font list")
        if self.radius is not None and not _LENGTH.fullmatch(self.radius):
            raise ValueError(f"palette {self.slug!r}: radius {self.radius!r} is not a length")


def checked_palettes(palettes: Sequence[Palette]) -> tuple[Palette, ...]:
    """``palettes`` as a board declares them; their slugs must differ."""
    slugs = [p.slug for p in palettes]
    if len(set(slugs)) != len(slugs):
        raise ValueError("palette slugs must be unique")
    return tuple(palettes)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _shade(colour: str, factor: float) -> str:
    """The colour darkened (factor < 1) or lightened (factor > 1) towards black or white."""
    r, g, b = _rgb(colour)
    if factor < 1:
        r, g, b = (round(c * factor) for c in (r, g, b))
    else:
        r, g, b = (round(c + (255 - c) * (factor - 1)) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def _text_on(colour: str) -> str:
    r, g, b = _rgb(colour)
    # Relative luminance threshold as Bootstrap's contrast function roughly applies it.
    return "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#fff"


def palette_css(palette: Palette) -> str:
    """The rules that turn plain Bootstrap 5.3 into ``palette`` under its attribute;
    empty for a palette that changes nothing."""
    scope = f'[data-bk-palette="{palette.slug}"]'
    root: list[str] = []
    rules: list[str] = []
    for name, colour in palette.colours.items():
        r, g, b = _rgb(colour)
        hover, active = _shade(colour, 0.85), _shade(colour, 0.75)
        text = _text_on(colour)
        root += [f"--bs-{name}:{colour}", f"--bs-{name}-rgb:{r},{g},{b}"]
        rules.append(
            f"{scope} .btn-{name}{{--bs-btn-color:{text};--bs-btn-bg:{colour};"
            f"--bs-btn-border-color:{colour};--bs-btn-hover-color:{text};"
            f"--bs-btn-hover-bg:{hover};--bs-btn-hover-border-color:{hover};"
            f"--bs-btn-active-color:{text};--bs-btn-active-bg:{active};"
            f"--bs-btn-active-border-color:{active};--bs-btn-disabled-bg:{colour};"
            f"--bs-btn-disabled-border-color:{colour}}}"
        )
        rules.append(
            f"{scope} .btn-outline-{name}{{--bs-btn-color:{colour};"
            f"--bs-btn-border-color:{colour};--bs-btn-hover-color:{text};"
            f"--bs-btn-hover-bg:{colour};--bs-btn-hover-border-color:{colour};"
            f"--bs-btn-active-bg:{colour};--bs-btn-active-color:{text}}}"
        )
    if "primary" in palette.colours:
        primary = palette.colours["primary"]
        r, g, b = _rgb(primary)
        root += [f"--bs-link-color:{primary}", f"--bs-link-color-rgb:{r},{g},{b}"]
        rules.append(f"{scope} .btn-link{{--bs-btn-color:{primary}}}")
    if palette.font:
        root.append(f"--bs-body-font-family:{palette.font}")
    if palette.radius:
        root += [f"--bs-border-radius:{palette.radius}", f"--bs-btn-border-radius:{palette.radius}"]
        rules.append(f"{scope} .btn{{--bs-btn-border-radius:{palette.radius}}}")
    if not root and not rules:
        return ""
    # On the elements carrying a colour mode: Bootstrap sets its variables there again.
    head = f"[data-bs-theme]{scope}{{{';'.join(root)}}}\n" if root else ""
    return head + "\n".join(rules) + "\n"


def palettes_css(palettes: Sequence[Palette]) -> str:
    """One stylesheet for every palette of a board."""
    return "".join(palette_css(p) for p in palettes)
