from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from board_fams.callbacks import Fetched, _render
from board_fams.config import Settings
from board_fams.data import by_entity
from boardkit import Frame, frame_from_series, merge_frames
from dash import no_update
from ngsi import NgsiConnectError
from tenant_context import TenantContext


@pytest.fixture
def context() -> TenantContext:
    return TenantContext(
        tenant="acme",
        display_name="ACME",
        fiware_service="acme",
        board="fams",
        public_prefix="/dazzler/acme/-/fams/",
        timezone="Europe/Rome",
        settings={"fatigue_limit": 3, "worker_lines": {"w2": "Paint"}},
    )


@pytest.fixture
def settings() -> Settings:
    return Settings(shared_secret="test-secret")


@pytest.fixture
def workers(worker_states) -> Frame:
    now = datetime.now(UTC)
    index = [now - timedelta(seconds=10), now - timedelta(seconds=5)]
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


def test_render_applies_the_tenant_limit_and_line_mapping(context, settings, workers):
    out = _render(context, settings, Fetched(workers, (Frame(), Frame())), has_data=False)
    connected, alerts, share, current, _history, panel, status, *_ = out
    assert "2" in json.dumps(connected.to_plotly_json(), default=str)
    assert list(share.data[0].labels) == ["Line1", "Paint"]
    # Line1 (5) is above the tenant's limit of 3, Paint (2) is not.
    assert "Line1 is above the fatigue limit of 3." in json.dumps(
        [a.to_plotly_json() for a in alerts], default=str
    )
    assert [s.y0 for s in current.layout.shapes if s.type == "line"] == [3]
    assert "No interventions" in json.dumps(panel.to_plotly_json(), default=str)
    assert status.startswith("Live")


def test_worker_outage_before_any_data_blanks_figures_with_the_reason(context, settings):
    failure = NgsiConnectError("refused")
    out = _render(context, settings, Fetched(failure, failure), has_data=False)
    share = out[2]
    assert share.layout.annotations[0].text.startswith("Data source unavailable")
    assert out[5].startswith("Data source unavailable")
    assert out[7] == "danger"


def test_worker_outage_keeps_the_last_data_on_screen(context, settings):
    failure = NgsiConnectError("refused")
    out = _render(context, settings, Fetched(failure, (Frame(), Frame())), has_data=True)
    assert out[:5] == (no_update,) * 5
    assert out[6].startswith("Data source unavailable")


def test_no_workers_yet_says_so(context, settings):
    out = _render(context, settings, Fetched(Frame(), (Frame(), Frame())), has_data=False)
    assert out[2].layout.annotations[0].text == "No connected workers"
    assert out[4].layout.annotations[0].text == "No fatigue readings in this window"
    assert out[6] == "No data yet in this time window."
