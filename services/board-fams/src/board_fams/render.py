"""The fatigue board's pure rendering: the sources' data to figures, parts and a summary.

Worker and intervention data fail independently: a failed source's slots are left out,
so the viewer keeps what it has (the kit says why in the status line).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from boardkit import Frame, Panels, SourceData, ViewContext, figure_template
from dash.development.base_component import Component

from board_fams.config import Settings
from board_fams.data import ASSIGNMENTS, EXECUTIONS, WORKERS, by_entity
from board_fams.figures import current_figure, history_figure, lines_over_limit, share_figure
from board_fams.interventions import last_intervention
from board_fams.options import read_options
from board_fams.panels import connected_workers, intervention_panel, limit_alert, notes
from board_fams.workers import FatigueSnapshot, summarise_fatigue

CONNECTED, ALERTS, INTERVENTION = "connected", "alerts", "intervention"
SHARE, CURRENT, HISTORY = "share", "current", "history"
FIGURES = (SHARE, CURRENT, HISTORY)
PARTS = (CONNECTED, ALERTS, INTERVENTION)


def render(data: SourceData, view: ViewContext, settings: Settings) -> Panels:
    """Everything the board shows for one interval's data."""
    now = view.now or datetime.now(UTC)
    options = read_options(view.settings, settings.fatigue_limit)
    parts: dict[str, Any] = {}
    assignments, executions = data[ASSIGNMENTS], data[EXECUTIONS]
    if isinstance(assignments, Frame) and isinstance(executions, Frame):
        parts[INTERVENTION] = intervention_panel(
            last_intervention(by_entity(assignments), by_entity(executions)),
            view.zone,
            str(view.zone),
        )
    workers = data[WORKERS]
    if not isinstance(workers, Frame):
        return Panels(parts=parts)
    snapshot = summarise_fatigue(
        by_entity(workers),
        now=now,
        tz=view.zone,
        connected_within=timedelta(seconds=settings.connected_seconds),
        configured_lines=options.worker_lines,
    )
    limit = options.fatigue_limit
    alerts: list[Component] = []
    alert = limit_alert(lines_over_limit(snapshot, limit), limit)
    if alert is not None:
        alerts.append(alert)
    alerts.extend(notes([*options.notes, *snapshot.notes]))
    template = figure_template(view.theme)
    parts[CONNECTED] = connected_workers(snapshot.connected)
    parts[ALERTS] = alerts
    return Panels(
        figures={
            SHARE: share_figure(snapshot, template),
            CURRENT: current_figure(snapshot, limit, template),
            HISTORY: history_figure(snapshot, limit, template, str(view.zone)),
        },
        parts=parts,
        summary=summary(snapshot, workers.last_time, view),
        last_time=workers.last_time,
    )


def summary(snapshot: FatigueSnapshot, last: datetime | None, view: ViewContext) -> str:
    """What a shift lead wants from the status line: who is shown and how recent it is."""
    if last is None:
        return ""
    workers = "1 worker" if snapshot.connected == 1 else f"{snapshot.connected} workers"
    count = len(snapshot.lines)
    lines = "1 line" if count == 1 else f"{count} lines"
    reading = last.astimezone(view.zone).strftime("%H:%M:%S")
    return f"Live · {workers} connected on {lines} · last reading {reading}"
