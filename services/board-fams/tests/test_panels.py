from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from board_fams.interventions import Intervention
from board_fams.panels import intervention_panel, limit_alert, notes


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json())


def test_intervention_time_is_shown_in_the_tenant_zone():
    moved = Intervention(
        "move", datetime(2026, 7, 1, 8, 0, tzinfo=UTC), 2, "Line1", "Line2", ("bad record",)
    )
    text = _text(intervention_panel(moved, ZoneInfo("Europe/Rome"), "Europe/Rome"))
    assert "2026-07-01 10:00:00 (Europe/Rome)" in text
    assert "Move 2 workers from Line1 to Line2" in text
    assert "bad record" in text


def test_many_notes_are_summarised():
    (alert,) = notes([f"problem {i}" for i in range(8)])
    text = _text(alert)
    assert "problem 4" in text
    assert "problem 5" not in text
    assert "and 3 more" in text


def test_limit_alert_names_every_line_above():
    assert limit_alert([], 7) is None
    assert "Line1, Line3 are above the fatigue limit of 7.5." in _text(
        limit_alert(["Line1", "Line3"], 7.5)
    )
