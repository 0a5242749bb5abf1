"""The soak run's length: ``--soak-minutes`` (or DAZZLER_SOAK_MINUTES); short by default so
that ``make test`` runs it, long in ``make soak``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "reliability"))

from reliability_kit import outcomes

RECORDER = pytest.StashKey[outcomes.Recorder]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak-minutes",
        type=float,
        default=None,
        help="How long the soak runs (default 0.75, i.e. 45 s).",
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    recorder = session.config.stash.get(RECORDER, None)
    if recorder is not None and recorder.outcomes:
        outcomes.write_report(recorder.merge_into())


@pytest.fixture(scope="session")
def soak_seconds(pytestconfig: pytest.Config) -> float:
    try:
        minutes = pytestconfig.getoption("--soak-minutes")
    except ValueError:
        minutes = None
    if minutes is None:
        minutes = float(os.environ.get("DAZZLER_SOAK_MINUTES", "0.75"))
    return float(minutes) * 60


@pytest.fixture(scope="session")
def soak_recorder(pytestconfig: pytest.Config) -> outcomes.Recorder:
    if RECORDER not in pytestconfig.stash:
        pytestconfig.stash[RECORDER] = outcomes.Recorder()
    return pytestconfig.stash[RECORDER]
