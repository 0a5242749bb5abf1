from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from board_fams.workers import UNASSIGNED, fatigue_level, summarise_fatigue

UTC_ZONE = ZoneInfo("UTC")
ROME = ZoneInfo("Europe/Rome")
MINUTE = timedelta(minutes=1)


def summarise(by_worker, now, *, configured=None, tz=UTC_ZONE, within=MINUTE):
    return summarise_fatigue(
        by_worker, now=now, tz=tz, connected_within=within, configured_lines=configured
    )


def test_current_fatigue_is_mean_of_latest_value_per_worker_with_spread(worker_series, t0):
    snap = summarise(
        {
            "urn:ngsi-ld:Worker:1": worker_series([1, 4], line="Line1"),
            "urn:ngsi-ld:Worker:2": worker_series([10, 8], line="Line1"),
            "urn:ngsi-ld:Worker:3": worker_series([5], line="Line2"),
        },
        t0 + timedelta(seconds=10),
    )
    assert snap.connected == 3
    line1, line2 = snap.lines
    assert (line1.line, line1.workers, line1.mean, line1.spread) == ("Line1", 2, 6.0, 2.0)
    assert (line1.low, line1.high) == (4.0, 8.0)
    assert (line2.line, line2.workers, line2.mean, line2.spread) == ("Line2", 1, 5.0, 0.0)
    assert snap.share == {"Line1": 2, "Line2": 1}


def test_as_many_lines_as_the_data_has_in_natural_order(worker_series, t0):
    names = ["Line10", "Line2", "Assembly", "Line1", "Line3"]
    snap = summarise(
        {f"urn:ngsi-ld:Worker:{i}": worker_series([3], line=n) for i, n in enumerate(names)},
        t0,
    )
    assert [line.line for line in snap.lines] == ["Assembly", "Line1", "Line2", "Line3", "Line10"]
    assert [h.line for h in snap.history] == ["Assembly", "Line1", "Line2", "Line3", "Line10"]


def test_latest_production_line_wins_when_a_worker_moves(series, worker_states, t0):
    moved = series(
        [t0, t0 + timedelta(seconds=5)],
        {"workerStates": [worker_states(2), worker_states(3)], "productionLine": ["L1", "L2"]},
    )
    snap = summarise({"urn:ngsi-ld:Worker:1": moved}, t0 + timedelta(seconds=5))
    assert snap.share == {"L2": 1}


def test_board_setting_maps_workers_by_full_or_short_id_and_overrides_data(worker_series, t0):
    snap = summarise(
        {
            "urn:ngsi-ld:Worker:1": worker_series([2], line="Line1"),
            "urn:ngsi-ld:Worker:2": worker_series([4]),
            "urn:ngsi-ld:Worker:3": worker_series([6]),
        },
        t0,
        configured={"1": "Paint", "urn:ngsi-ld:Worker:2": "Paint"},
    )
    assert snap.share == {"Paint": 2, UNASSIGNED: 1}
    assert snap.notes == ()


def test_unusable_setting_entry_is_reported_not_applied(worker_series, t0):
    snap = summarise(
        {"urn:ngsi-ld:Worker:1": worker_series([2], line="Line1")}, t0, configured={"1": 3}
    )
    assert snap.share == {"Line1": 1}
    assert any("worker_lines" in note for note in snap.notes)


def test_line_is_never_guessed_from_the_entity_id(worker_series, t0):
    snap = summarise(
        {"urn:ngsi-ld:Worker:1": worker_series([2]), "urn:ngsi-ld:Worker:2": worker_series([3])},
        t0,
    )
    assert snap.share == {UNASSIGNED: 2}


def test_stale_worker_is_not_connected_but_stays_in_history(worker_series, t0):
    snap = summarise(
        {
            "urn:ngsi-ld:Worker:1": worker_series([9], line="Line1"),
            "urn:ngsi-ld:Worker:2": worker_series([3], line="Line2", start=t0 + 5 * MINUTE),
        },
        t0 + 5 * MINUTE,
    )
    assert snap.connected == 1
    assert snap.share == {"Line2": 1}
    assert [h.line for h in snap.history] == ["Line1", "Line2"]


def test_history_is_per_minute_in_tenant_timezone_and_each_worker_weighs_once(worker_series, t0):
    snap = summarise(
        {
            # Worker 1 reports twice in the minute (2 and 4, mean 3), worker 2 once (9):
            # the line's minute is (3 + 9) / 2, not (2 + 4 + 9) / 3.
            "urn:ngsi-ld:Worker:1": worker_series([2, 4], line="Line1", step=40),
            "urn:ngsi-ld:Worker:2": worker_series(
                [9], line="Line1", start=t0 + timedelta(seconds=20)
            ),
        },
        t0 + MINUTE,
        tz=ROME,
    )
    (history,) = snap.history
    assert history.values == (6.0,)
    (minute,) = history.times
    assert minute.utcoffset() == timedelta(hours=1)
    assert (minute.hour, minute.minute, minute.second) == (11, 0, 0)


def test_minutes_without_data_are_gaps(worker_series, t0):
    snap = summarise(
        {
            "urn:ngsi-ld:Worker:1": worker_series([2, 4], line="Line1", step=120),
            "urn:ngsi-ld:Worker:2": worker_series([5, 5, 5], line="Line2", step=60),
        },
        t0 + 2 * MINUTE,
    )
    line1, line2 = snap.history
    assert line1.values == (2.0, None, 4.0)
    assert line2.values == (5.0, 5.0, 5.0)


def test_readings_without_a_level_are_skipped_with_a_note(series, worker_states, t0):
    broken = series(
        [t0, t0 + timedelta(seconds=5), t0 + timedelta(seconds=10)],
        {
            "workerStates": [worker_states(4), {"fatigue": {}}, "garbage"],
            "productionLine": ["Line1", "Line1", "Line1"],
        },
    )
    snap = summarise({"urn:ngsi-ld:Worker:7": broken}, t0 + timedelta(seconds=10))
    assert snap.lines[0].mean == 4.0
    assert snap.notes == ("Worker 7: 2 reading(s) without a numeric fatigue level were left out.",)


def test_worker_without_any_reading_is_not_connected(series, t0):
    empty = series([t0], {"workerStates": [None], "productionLine": ["Line1"]})
    snap = summarise({"urn:ngsi-ld:Worker:1": empty}, t0)
    assert (snap.connected, snap.lines, snap.history, snap.notes) == (0, (), (), ())


def test_short_columns_are_read_as_missing_values(series, worker_states, t0):
    short = series([t0, t0 + timedelta(seconds=5)], {"workerStates": [worker_states(6)]})
    snap = summarise({"urn:ngsi-ld:Worker:1": short}, t0 + timedelta(seconds=5))
    assert snap.lines[0].mean == 6.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"fatigue": {"level": {"value": 7}}}, 7.0),
        ({"fatigue": {"level": 3.5}}, 3.5),
        ({"fatigue": {"level": {"value": True}}}, None),
        ({"fatigue": {"level": {"value": "7"}}}, None),
        ({"fatigue": {"level": {"value": float("nan")}}}, None),
        ({"fatigue": None}, None),
        ([], None),
    ],
)
def test_fatigue_level_reads_both_producer_shapes_and_rejects_the_rest(value, expected):
    assert fatigue_level(value) == expected
