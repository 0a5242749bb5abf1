from __future__ import annotations

import re

from board_demo.themes import COLOUR_NAMES, THEMES, stylesheet


def test_plain_bootstrap_needs_no_stylesheet():
    assert stylesheet(THEMES["bootstrap"]) == ""


def test_every_other_theme_recolours_every_button_kind():
    themed = [t for t in THEMES.values() if t.colours]
    assert len(themed) >= 3
    for theme in themed:
        css = stylesheet(theme)
        for name in COLOUR_NAMES:
            colour = theme.colours[name]
            assert f"--bs-{name}:{colour}" in css
            assert re.search(rf"\.btn-{name}\{{[^}}]*--bs-btn-bg:{colour}", css)
            assert re.search(rf"\.btn-outline-{name}\{{[^}}]*--bs-btn-color:{colour}", css)


def test_button_text_contrasts_with_its_background():
    css = stylesheet(THEMES["ember"])
    assert ".btn-light{--bs-btn-color:#000;" in css
    assert ".btn-dark{--bs-btn-color:#fff;" in css


def test_theme_css_is_balanced():
    for theme in THEMES.values():
        css = stylesheet(theme)
        assert css.count("{") == css.count("}")
