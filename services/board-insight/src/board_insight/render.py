"""What the insight boards show for the chosen insight: one tab per KPI (its figure,
recommended settings and best value) and the warnings about its ``Results``. Pure: the
kit fetches the sources and hands their data here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from boardkit import Frame, Panels, SourceData, Status, Tab, ViewContext, figure_template
from dash import html

from board_insight.data import INSIGHT, InsightState, read_state
from board_insight.figures import best_value_figure, kpi_series_figure
from board_insight.kpis import KpiSeries, kpi_series
from board_insight.panels import kpi_panel, kpi_tab_ids, warnings_alert
from board_insight.recommendations import Recommendation, read_results

KPI = "kpi"
"""The tab set of KPIs (and the chosen KPI's key in the address)."""
WARNINGS = "warnings"
CHOOSE = Status("idle", "Choose an insight to see its recommendations.")


@dataclass(frozen=True, slots=True)
class FrameRows:
    """A frame read as one series (``kpis.SeriesLike``)."""

    index: Sequence[datetime]
    attributes: Mapping[str, Sequence[Any]] = field(default_factory=dict)


def _cleared(status: Status) -> Panels:
    return Panels(tabs={KPI: ()}, parts={WARNINGS: None}, status=status)


def render(data: SourceData, view: ViewContext, *, preview: bool) -> Panels:
    """The chosen insight's KPI tabs; ``preview`` draws measured KPI series instead of
    the estimate's history."""
    insight = view.choices.get(INSIGHT)
    value = data["state"]
    now = view.now or datetime.now(UTC)  # the kit always sets it; direct callers may not
    if not insight:
        return _cleared(CHOOSE)
    if isinstance(value, Status):
        # The kit says why; the viewer keeps what is on screen.
        return Panels()
    state = read_state(value)
    if state is None:
        return _cleared(
            Status("empty", f"{insight} is no longer available; choose another insight.")
        )
    measured: dict[str, KpiSeries] = {}
    if preview:
        frame = data["kpis"]
        if not isinstance(frame, Frame):
            return Panels()
        measured = kpi_series([FrameRows(frame.times, frame.columns)], insight)
    report = read_results(state.results)
    recs = report.recommendations
    tabs = [
        Tab(
            tab_id,
            rec.kpi,
            _pane(rec, insight, tab_id, state, measured, view, now, preview=preview),
        )
        for rec, tab_id in zip(recs, kpi_tab_ids(recs), strict=True)
    ]
    zone = view.zone
    newest = [s.times[-1] for s in measured.values() if s.times]
    return Panels(
        tabs={KPI: tabs},
        parts={WARNINGS: warnings_alert(report.warnings)},
        summary=f"{len(recs)} KPI(s) · updated {now.astimezone(zone):%H:%M:%S}",
        last_time=max(newest) if newest else state.since,
        status=None if recs else Status("empty", "This insight holds no KPI recommendations."),
    )


def _pane(
    rec: Recommendation,
    insight: str,
    tab_id: str,
    state: InsightState,
    measured: Mapping[str, KpiSeries],
    view: ViewContext,
    now: datetime,
    *,
    preview: bool,
) -> html.Div:
    timezone = str(view.zone)
    template = figure_template(view.theme)
    if preview:
        series = measured.get(rec.kpi, KpiSeries((), ()))
        figure = kpi_series_figure(
            rec, series.times, series.values, tz=view.zone, timezone=timezone, template=template
        )
    else:
        figure = best_value_figure(
            rec, since=state.since, now=now, tz=view.zone, timezone=timezone, template=template
        )
    # Keeps the viewer's zoom on this KPI across refreshes.
    figure.update_layout(uirevision=f"{insight}|{tab_id}")
    return html.Div(kpi_panel(rec, figure), className="insight-pane")
