"""A service process's collector, tuned once its app is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from settings_cli.collector import THRESHOLDS, tune_gc


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("collector")
def test_what_exists_at_start_is_out_of_the_collectors_sight() -> None:
    built_at_start = [{"app": n} for n in range(100)]
    tune_gc()
    assert gc.get_freeze_count() > 0
    tracked = {id(o) for o in gc.get_objects()}
    assert id(built_at_start) not in tracked
    made_later = [{"request": 1}]
    assert id(made_later) in {id(o) for o in gc.get_objects()}
    assert gc.get_threshold() == THRESHOLDS
