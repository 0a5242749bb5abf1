from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from boardkit.windows import (
    InvalidWindow,
    age_text,
    local_naive,
    resolve_window,
    tenant_zone,
)

ROME = tenant_zone("Europe/Rome")


def test_custom_range_typed_in_tenant_zone_is_sent_in_utc():
    window = resolve_window("custom", None, "2026-07-01T10:00", "2026-07-01T11:30", ROME)
    start, end = window.bounds(datetime.now(UTC))
    assert start == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert end == datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    assert start.utcoffset() == timedelta(0)


def test_rolling_span_ends_now_and_has_a_stable_cache_key():
    now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    window = resolve_window("15m", None, None, None, ROME)
    assert window.bounds(now) == (now - timedelta(minutes=15), None)
    assert window.key == resolve_window("15m", 5, None, None, ROME).key


def test_last_n_points():
    window = resolve_window("last_n", "250", None, None, ROME)
    assert window.last_n == 250
    assert window.bounds(datetime.now(UTC)) == (None, None)


@pytest.mark.parametrize(
    ("choice", "n", "start", "end", "message"),
    [
        ("last_n", 0, None, None, "^0 points cannot be shown; enter a whole number .* 1 to 10000"),
        ("last_n", -3, None, None, "^-3 points cannot be shown"),
        ("last_n", None, None, None, "^no number of points given"),
        ("last_n", "", None, None, "^no number of points given"),
        ("last_n", "many", None, None, "'many' is not a number of points"),
        ("last_n", 2.5, None, None, "2.5 is not a whole number of points"),
        ("custom", None, "2026-07-01T10:00", None, "both"),
        ("custom", None, "2026-07-01T10:00", "2026-07-01T09:00", "after its start"),
        ("custom", None, "yesterday", "2026-07-01T09:00", "not a date"),
        ("fortnight", None, None, None, "unknown"),
    ],
)
def test_bad_windows_say_what_is_wrong(choice, n, start, end, message):
    with pytest.raises(InvalidWindow, match=message):
        resolve_window(choice, n, start, end, ROME)


def test_past_range_is_not_live():
    window = resolve_window("custom", None, "2020-01-01T00:00", "2020-01-02T00:00", ROME)
    assert not window.is_live(datetime.now(UTC))
    assert resolve_window("1h", None, None, None, ROME).is_live(datetime.now(UTC))


def test_axis_times_read_in_tenant_zone():
    moment = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert local_naive(moment, ROME) == "2026-01-15T10:00:00.000"


def test_unknown_zone_falls_back_to_utc():
    assert str(tenant_zone("Mars/Olympus")) == "UTC"


def test_age_text():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert age_text(now - timedelta(seconds=3), now) == "last point 3 s ago"
    assert age_text(now - timedelta(minutes=5), now) == "last point 5 min ago"
    assert age_text(None, now) == "no data yet"
