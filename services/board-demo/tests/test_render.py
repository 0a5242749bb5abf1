from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from board_demo.render import FIGURES, SUMMARY, render
from boardkit import MalformedCallback, ViewContext, figure_template

UTC = ZoneInfo("UTC")


def _paper(panels, kind: str) -> str:
    return panels.figures[kind].layout.template.layout.paper_bgcolor


def test_figures_follow_the_theme_the_page_shows() -> None:
    dark_page = render({}, ViewContext(theme="dark", zone=UTC))
    dark = figure_template("dark").layout.paper_bgcolor
    light = figure_template("light").layout.paper_bgcolor
    assert set(dark_page.figures) == set(FIGURES)
    assert all(_paper(dark_page, kind) == dark for kind in FIGURES)
    light_page = render({}, ViewContext(theme="light", zone=UTC))
    assert all(_paper(light_page, kind) == light for kind in FIGURES)
    assert light_page.summary == SUMMARY


def test_the_echo_says_back_what_was_typed() -> None:
    empty = render({}, ViewContext(theme="light", zone=UTC, choices={"echo": ""}))
    assert empty.parts["echo"] == "You typed nothing yet."
    typed = render({}, ViewContext(theme="light", zone=UTC, choices={"echo": "hello"}))
    assert typed.parts["echo"] == "You typed: hello"


@pytest.mark.parametrize("choices", [{"echo": ["x"]}, {"echo": 3}])
def test_a_control_value_that_is_not_text_is_refused(choices: dict[str, object]) -> None:
    with pytest.raises(MalformedCallback, match="must be text"):
        render({}, ViewContext(theme="light", zone=UTC, choices=choices))
