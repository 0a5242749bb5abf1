from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from board_fams.config import Settings
from board_fams.data import ASSIGNMENTS, EXECUTIONS, WORKERS, by_entity
from board_fams.render import render
from boardkit import Frame, ViewContext, frame_from_series, merge_frames, status_for_error
from ngsi import NgsiConnectError

NOW = datetime(2026, 11, 27, 10, 0, 30, tzinfo=UTC)


@pytest.fixture
def view() -> ViewContext:
    return ViewContext(
        theme="light",
        zone=ZoneInfo("Europe/Rome"),
        settings={"fatigue_limit": 3, "worker_lines": {"w2": "Paint"}},
        now=NOW,
    )


@pytest.fixture
def settings() -> Settings:
    return Settings(shared_secret="test-secret")


@pytest.fixture
def workers(worker_states) -> Frame:
    index = [NOW - timedelta(seconds=10), NOW - timedelta(seconds=5)]
    return merge_frames(
        [
            frame_from_series(
                "urn:ngsi-ld:Worker:w1",
                index,
                {
                    "workerStates": [worker_states(2), worker_states(5)],
                    "productionLine": ["Line1", "Line1"],
                },
            ),
            frame_from_series(
                "urn:ngsi-ld:Worker:w2",
                index,
                {
                    "workerStates": [worker_states(1), worker_states(2)],
                    "productionLine": ["Line1", "Line1"],
                },
            ),
        ]
    )


def test_by_entity_gives_each_workers_rows_back(workers):
    rows = by_entity(workers)
    assert sorted(rows) == ["urn:ngsi-ld:Worker:w1", "urn:ngsi-ld:Worker:w2"]
    assert rows["urn:ngsi-ld:Worker:w1"].attributes["productionLine"] == ["Line1", "Line1"]
    assert len(rows["urn:ngsi-ld:Worker:w2"].index) == 2


def _data(workers, interventions=None):
    assignments, executions = interventions or (Frame(), Frame())
    return {WORKERS: workers, ASSIGNMENTS: assignments, EXECUTIONS: executions}


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=str)


def test_render_applies_the_tenant_limit_and_line_mapping(view, settings, workers):
    panels = render(_data(workers), view, settings)
    assert "2" in _text(panels.parts["connected"])
    share = panels.figures["share"]
    assert list(share.data[0].labels) == ["Line1", "Paint"]
    # Line1 (5) is above the tenant's limit of 3, Paint (2) is not.
    alerts = json.dumps([a.to_plotly_json() for a in panels.parts["alerts"]], default=str)
    assert "Line1 is above the fatigue limit of 3." in alerts
    current = panels.figures["current"]
    assert [s.y0 for s in current.layout.shapes if s.type == "line"] == [3]
    assert "No interventions" in _text(panels.parts["intervention"])


def test_the_status_says_who_is_shown_and_how_recent(view, settings, workers):
    panels = render(_data(workers), view, settings)
    # The last reading was at 10:00:25 UTC, 11:00:25 in Rome.
    assert panels.summary == "Live · 2 workers connected on 2 lines · last reading 11:00:25"
    assert "points" not in panels.summary


def test_a_worker_outage_leaves_the_worker_slots_to_the_kit(view, settings):
    failure = status_for_error(NgsiConnectError("refused"))
    panels = render(_data(failure), view, settings)
    assert panels.figures == {}
    assert set(panels.parts) == {"intervention"}
    assert panels.summary == ""


def test_an_intervention_outage_leaves_the_panel_to_the_kit(view, settings, workers):
    failure = status_for_error(NgsiConnectError("refused"))
    panels = render(_data(workers, (failure, failure)), view, settings)
    assert "intervention" not in panels.parts
    assert set(panels.figures) == {"share", "current", "history"}


def test_no_workers_yet_says_so(view, settings):
    panels = render(_data(Frame()), view, settings)
    assert panels.figures["share"].layout.annotations[0].text == "No connected workers"
    history = panels.figures["history"]
    assert history.layout.annotations[0].text == "No fatigue readings in this window"
    assert panels.summary == ""
