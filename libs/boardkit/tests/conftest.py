"""Fixtures for the kit's own tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from boardkit import Frame, frame_from_series


@pytest.fixture
def t0() -> datetime:
    return datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def make_frame(t0: datetime):
    def build(entity: str, values: list[float], start: int = 0) -> Frame:
        times = [t0 + timedelta(seconds=start + 2 * i) for i in range(len(values))]
        return frame_from_series(entity, times, {"v": values})

    return build
