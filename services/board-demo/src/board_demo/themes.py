"""Colour themes of the showcase, written as overrides of Bootstrap 5.3's CSS variables.

Each theme is a small stylesheet served by the board itself and layered over the
Bootstrap the board kit serves, so switching needs no download and no CDN.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tenant_context import TenantContext

DEFAULT_THEME = "bootstrap"
COLOUR_NAMES = ("primary", "secondary", "success", "info", "warning", "danger", "light", "dark")


@dataclass(frozen=True, slots=True)
class Theme:
    """A named palette plus font and corner radius."""

    slug: str
    label: str
    colours: dict[str, str] = field(default_factory=dict)
    font: str | None = None
    radius: str | None = None


THEMES: dict[str, Theme] = {
    t.slug: t
    for t in (
        Theme("bootstrap", "Bootstrap"),
        Theme(
            "harbour",
            "Harbour",
            {
                "primary": "#0b6e99",
                "secondary": "#5c6f7b",
                "success": "#2e8540",
                "info": "#17a2b8",
                "warning": "#e0a100",
                "danger": "#c0392b",
                "light": "#eef3f6",
                "dark": "#1d2b36",
            },
            font='"Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
            radius="0.15rem",
        ),
        Theme(
            "meadow",
            "Meadow",
            {
                "primary": "#3f7d20",
                "secondary": "#7a6c5d",
                "success": "#4caf50",
                "info": "#4a90a4",
                "warning": "#d9a404",
                "danger": "#b23a48",
                "light": "#f3f1e7",
                "dark": "#2f3a2b",
            },
            font='Georgia, "Times New Roman", serif',
            radius="0.6rem",
        ),
        Theme(
            "ember",
            "Ember",
            {
                "primary": "#d9480f",
                "secondary": "#868e96",
                "success": "#2b8a3e",
                "info": "#1c7ed6",
                "warning": "#f59f00",
                "danger": "#c92a2a",
                "light": "#fff4e6",
                "dark": "#2b1d16",
            },
            font='"Trebuchet MS", Helvetica, sans-serif',
            radius="1rem",
        ),
    )
}


def theme_href(context: TenantContext, slug: str) -> str:
    """Where the browser loads a theme's stylesheet (under the board's public prefix)."""
    return f"{context.public_prefix}themes/{slug}.css"


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


def stylesheet(theme: Theme) -> str:
    """The CSS that turns plain Bootstrap 5.3 into ``theme``; empty for plain Bootstrap."""
    root: list[str] = []
    rules: list[str] = []
    for name, colour in theme.colours.items():
        r, g, b = _rgb(colour)
        hover, active = _shade(colour, 0.85), _shade(colour, 0.75)
        text = _text_on(colour)
        root += [f"--bs-{name}:{colour}", f"--bs-{name}-rgb:{r},{g},{b}"]
        rules.append(
            f".btn-{name}{{--bs-btn-color:{text};--bs-btn-bg:{colour};"
            f"--bs-btn-border-color:{colour};--bs-btn-hover-color:{text};"
            f"--bs-btn-hover-bg:{hover};--bs-btn-hover-border-color:{hover};"
            f"--bs-btn-active-color:{text};--bs-btn-active-bg:{active};"
            f"--bs-btn-active-border-color:{active};--bs-btn-disabled-bg:{colour};"
            f"--bs-btn-disabled-border-color:{colour}}}"
        )
        rules.append(
            f".btn-outline-{name}{{--bs-btn-color:{colour};--bs-btn-border-color:{colour};"
            f"--bs-btn-hover-color:{text};--bs-btn-hover-bg:{colour};"
            f"--bs-btn-hover-border-color:{colour};--bs-btn-active-bg:{colour};"
            f"--bs-btn-active-color:{text}}}"
        )
    if "primary" in theme.colours:
        primary = theme.colours["primary"]
        r, g, b = _rgb(primary)
        root += [f"--bs-link-color:{primary}", f"--bs-link-color-rgb:{r},{g},{b}"]
        rules.append(f".btn-link{{--bs-btn-color:{primary}}}")
    if theme.font:
        root.append(f"--bs-body-font-family:{theme.font}")
    if theme.radius:
        root += [f"--bs-border-radius:{theme.radius}", f"--bs-btn-border-radius:{theme.radius}"]
        rules.append(f".btn{{--bs-btn-border-radius:{theme.radius}}}")
    if not root and not rules:
        return ""
    head = f":root,[data-bs-theme]{{{';'.join(root)}}}\n" if root else ""
    return head + "\n".join(rules) + "\n"
