from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from board_fams.interventions import MalformedRecord, last_intervention, parse_creation_timestamp


@pytest.fixture
def assignment(series, t0):
    def make(created, *, old="Line1", new="Line3", workers=2):
        return series(
            [t0],
            {
                "creationTimestamp": [created],
                "oldTask": [old],
                "newTask": [new],
                "additionalParameters": [{"numberOfWorkers": workers}],
            },
        )

    return make


@pytest.fixture
def execution(series, t0):
    def make(created):
        return series(
            [t0],
            {
                "creationTimestamp": [created],
                "taskName": ["keep"],
                "additionalParameters": [{}],
            },
        )

    return make


def test_no_records_means_no_interventions():
    result = last_intervention({}, {})
    assert result.kind == "none"
    assert result.message == "No interventions"


def test_newer_assignment_wins_over_older_execution(assignment, execution):
    result = last_intervention(
        {"urn:ngsi-ld:TaskAssignment:1": assignment("2026-11-27T10:05:00+00:00")},
        {"urn:ngsi-ld:TaskExecution:1": execution("2026-11-27T10:04:00+00:00")},
    )
    assert result.message == "Move 2 workers from Line1 to Line3"
    assert result.created == datetime(2026, 11, 27, 10, 5, tzinfo=UTC)


def test_newer_execution_wins_over_older_assignment_in_epoch_ms(assignment, execution):
    ms = int(datetime(2026, 11, 27, 10, 6, tzinfo=UTC).timestamp() * 1000)
    result = last_intervention(
        {"urn:ngsi-ld:TaskAssignment:1": assignment("2026-11-27T10:05:00Z")},
        {"urn:ngsi-ld:TaskExecution:1": execution(ms)},
    )
    assert result.message == "Keep the current configuration"
    assert result.created == datetime(2026, 11, 27, 10, 6, tzinfo=UTC)


def test_newest_row_of_any_entity_is_used_not_the_first(series, t0):
    rows = series(
        [t0, t0 + timedelta(seconds=5)],
        {
            "creationTimestamp": ["2026-11-27T09:00:00Z", "2026-11-27T09:30:00Z"],
            "oldTask": ["Line1", "Line2"],
            "newTask": ["Line2", "Line4"],
            "additionalParameters": [{"numberOfWorkers": 3}, {"numberOfWorkers": 1}],
        },
    )
    other = series(
        [t0],
        {
            "creationTimestamp": ["2026-11-27T09:10:00Z"],
            "oldTask": ["Line5"],
            "newTask": ["Line6"],
            "additionalParameters": [{"numberOfWorkers": 4}],
        },
    )
    result = last_intervention({"a": other, "b": rows}, {})
    assert result.message == "Move 1 worker from Line2 to Line4"


def test_malformed_records_are_ignored_with_a_note(assignment, execution):
    result = last_intervention(
        {
            "urn:ngsi-ld:TaskAssignment:1": assignment("2026-11-27T11:00:00Z", workers="many"),
            "urn:ngsi-ld:TaskAssignment:2": assignment("yesterday"),
            "urn:ngsi-ld:TaskAssignment:3": assignment("2026-11-27T12:00:00Z", new=None),
        },
        {"urn:ngsi-ld:TaskExecution:1": execution("2026-11-27T10:00:00Z")},
    )
    assert result.message == "Keep the current configuration"
    assert len(result.notes) == 3
    assert "urn:ngsi-ld:TaskAssignment:2" in result.notes[1]
    assert "not ISO 8601" in result.notes[1]


def test_only_malformed_records_give_no_intervention_and_notes(execution):
    result = last_intervention({}, {"urn:ngsi-ld:TaskExecution:1": execution(None)})
    assert result.kind == "none"
    assert result.notes == (
        "A TaskExecution record of urn:ngsi-ld:TaskExecution:1 was ignored: "
        "creationTimestamp is None.",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-27T10:00:00+01:00", datetime(2026, 11, 27, 9, 0, tzinfo=UTC)),
        ("2026-11-27T10:00:00.250Z", datetime(2026, 11, 27, 10, 0, 0, 250000, tzinfo=UTC)),
        ("2026-11-27T10:00:00", datetime(2026, 11, 27, 10, 0, tzinfo=UTC)),
        (1795773600000, datetime(2026, 11, 27, 10, 0, tzinfo=UTC)),
        (1795773600000.0, datetime(2026, 11, 27, 10, 0, tzinfo=UTC)),
    ],
)
def test_creation_timestamp_accepts_iso_and_epoch_ms(value, expected):
    assert parse_creation_timestamp(value) == expected


@pytest.mark.parametrize("value", [None, True, "soon", 1e300, float("nan"), {"ms": 1}])
def test_creation_timestamp_rejects_what_it_cannot_read(value):
    with pytest.raises(MalformedRecord):
        parse_creation_timestamp(value)
