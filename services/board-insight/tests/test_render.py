from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from board_insight.render import CHOOSE, KPI, WARNINGS, render
from boardkit import NOT_CHOSEN, Frame, Status, ViewContext, frame_from_series

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
INSIGHT = "urn:ngsi-ld:Insights:1"
RESULTS = {
    "KPI_name": ["Throughput", "Scrap"],
    "features_names": [["ae"], ["HB"]],
    "features_values": [[1.25], [7.75]],
    "KPI_best": ["100.5", "3.25"],
}


def _view(insight: str | None = INSIGHT) -> ViewContext:
    return ViewContext(
        theme="light", zone=ZoneInfo("Europe/Rome"), now=NOW, choices={"insight": insight}
    )


def _state(results=RESULTS, since: str | None = "2026-11-27T09:30:00Z") -> dict:
    return {"Results": results, "TimeInstant": since}


def _text(component) -> str:
    def plain(value):
        return value.to_plotly_json() if hasattr(value, "to_plotly_json") else str(value)

    return json.dumps(component.to_plotly_json(), default=plain)


def test_one_tab_per_kpi_with_its_pane_and_a_live_summary():
    panels = render({"state": _state()}, _view(), preview=False)
    tabs = panels.tabs[KPI]
    assert [(t.id, t.label) for t in tabs] == [("Throughput", "Throughput"), ("Scrap", "Scrap")]
    assert "Throughput = 100.5" in _text(tabs[0].content)
    assert "Scrap = 3.25" in _text(tabs[1].content)
    assert panels.parts[WARNINGS] is None
    assert panels.summary == "2 KPI(s) · updated 11:00:00"
    assert panels.status is None
    assert panels.last_time == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_without_a_chosen_insight_the_viewer_is_asked_to_choose():
    panels = render({"state": NOT_CHOSEN}, _view(None), preview=False)
    assert panels.status == CHOOSE
    assert panels.tabs[KPI] == ()


def test_an_insight_gone_from_orion_says_so_and_clears_the_tabs():
    panels = render({"state": None}, _view(), preview=False)
    assert panels.status == Status(
        "empty", f"{INSIGHT} is no longer available; choose another insight."
    )
    assert panels.tabs[KPI] == ()
    assert panels.parts[WARNINGS] is None


def test_a_failed_query_keeps_what_the_viewer_has():
    failed = Status("unavailable", "down")
    assert render({"state": failed}, _view(), preview=False).tabs == {}
    preview = render({"state": _state(), "kpis": failed}, _view(), preview=True)
    assert preview.tabs == {}


def test_results_without_kpis_are_an_empty_insight_with_warnings():
    panels = render({"state": _state(results="oops")}, _view(), preview=False)
    assert panels.status == Status("empty", "This insight holds no KPI recommendations.")
    assert "Results is a str" in _text(panels.parts[WARNINGS])


def test_preview_draws_the_insights_own_kpi_readings():
    times = [NOW - timedelta(minutes=2), NOW - timedelta(minutes=1)]
    mine = frame_from_series(
        "urn:ngsi-ld:InsightKPI:1:Throughput",
        times,
        {"insightId": [INSIGHT] * 2, "kpi": ["Throughput"] * 2, "value": [99.0, 101.0]},
    )
    panels = render({"state": _state(), "kpis": mine}, _view(), preview=True)
    figure = _text(panels.tabs[KPI][0].content)
    assert '"y": [99.0, 101.0]' in figure
    assert panels.last_time == times[-1]
    empty = render({"state": _state(), "kpis": Frame()}, _view(), preview=True)
    assert "No KPI readings yet" in _text(empty.tabs[KPI][0].content)
