"""Colour themes of the showcase: palettes the kit offers in the theme picker and writes
into the page over the Bootstrap it serves (plain Bootstrap first, the default)."""

from __future__ import annotations

from boardkit import Palette

THEMES: tuple[Palette, ...] = (
    Palette("bootstrap", "Bootstrap"),
    Palette(
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
    Palette(
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
    Palette(
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
