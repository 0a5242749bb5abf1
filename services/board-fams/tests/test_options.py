from __future__ import annotations

import pytest
from board_fams.options import read_options


def test_defaults_without_settings():
    options = read_options({}, 7.0)
    assert (options.fatigue_limit, options.worker_lines, options.notes) == (7.0, {}, ())


def test_limit_and_lines_from_board_settings():
    options = read_options({"fatigue_limit": 5, "worker_lines": {"w1": "Line2"}}, 7.0)
    assert options.fatigue_limit == 5.0
    assert options.worker_lines == {"w1": "Line2"}


def test_limit_from_registry_thresholds():
    assert read_options({"thresholds": {"fatigue_limit": 6.5}}, 7.0).fatigue_limit == 6.5


@pytest.mark.parametrize("bad", ["high", 11, -1, True])
def test_unusable_limit_falls_back_with_a_note(bad):
    options = read_options({"fatigue_limit": bad}, 7.0)
    assert options.fatigue_limit == 7.0
    assert "fatigue_limit" in options.notes[0]


def test_worker_lines_that_are_not_a_mapping_are_reported():
    options = read_options({"worker_lines": ["Line1"]}, 7.0)
    assert options.worker_lines == {}
    assert "worker_lines" in options.notes[0]
