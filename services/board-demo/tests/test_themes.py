from __future__ import annotations

import re

from board_demo.themes import THEMES
from boardkit.palettes import COLOUR_NAMES, palette_css


def test_plain_bootstrap_comes_first_and_changes_nothing():
    assert THEMES[0].slug == "bootstrap"
    assert palette_css(THEMES[0]) == ""


def test_every_other_theme_recolours_every_button_kind():
    themed = THEMES[1:]
    assert len(themed) >= 3
    for theme in themed:
        css = palette_css(theme)
        for name in COLOUR_NAMES:
            colour = theme.colours[name]
            assert f"--bs-{name}:{colour}" in css
            assert re.search(rf"\.btn-{name}\{{[^}}]*--bs-btn-bg:{colour}", css)
            assert re.search(rf"\.btn-outline-{name}\{{[^}}]*--bs-btn-color:{colour}", css)


def test_button_text_contrasts_with_its_background():
    ember = next(t for t in THEMES if t.slug == "ember")
    css = palette_css(ember)
    assert ".btn-light{--bs-btn-color:#000;" in css
    assert ".btn-dark{--bs-btn-color:#fff;" in css
