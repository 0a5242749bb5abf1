"""Callbacks of the insight boards: the picker fills itself, the selected insight renders
as one tab per KPI, and every query goes through the kit's shared cache."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from boardkit import (
    ENTITY,
    Frame,
    Runtime,
    Stopwatch,
    current_context,
    figure_template,
    fiware_context,
    frame_from_series,
    merge_frames,
    status_for_error,
    tenant_zone,
)
from boardkit import ids as kit_ids
from boardkit.controls import status_class
from boardkit.states import Status
from dash import MATCH, Dash, Input, Output, State, no_update
from tenant_context import TenantContext

from board_insight import ids
from board_insight.config import Settings
from board_insight.data import InsightNotFound, insight_ids, insight_kpi_series, insight_results
from board_insight.figures import best_value_figure, kpi_series_figure
from board_insight.kpis import KpiSeries, kpi_series
from board_insight.layout import PREVIEW, refresh_seconds
from board_insight.panels import kpi_tab, warnings_alert
from board_insight.recommendations import read_results

_EPOCH = datetime.fromtimestamp(0, UTC)
CHOOSE = Status("idle", "Choose an insight to see its recommendations.")


@dataclass(frozen=True, slots=True)
class FrameRows:
    """A frame read as one series (``kpis.SeriesLike``)."""

    index: Sequence[datetime]
    attributes: Mapping[str, Sequence[Any]] = field(default_factory=dict)


def _status(status: Status) -> tuple[Any, ...]:
    return status.message, status.color, status_class(status.kind)


async def _ids(runtime: Runtime, context: TenantContext, settings: Settings) -> list[str]:
    async def fetch() -> Frame:
        found = await insight_ids(runtime.orion, fiware_context(context))
        return Frame(tuple(_EPOCH for _ in found), {ENTITY: found})

    frame = await runtime.cached(
        context, ("insight-ids",), settings.entity_refresh_seconds / 2, fetch
    )
    return [str(v) for v in frame.column(ENTITY)]


async def _results(runtime: Runtime, context: TenantContext, insight: str, ttl: float) -> Any:
    async def fetch() -> Frame:
        results = await insight_results(runtime.orion, fiware_context(context), insight)
        return Frame((datetime.now(UTC),), {"Results": [results]})

    frame = await runtime.cached(context, ("insight", insight), ttl, fetch)
    return frame.column("Results")[0]


async def _kpis(
    runtime: Runtime, context: TenantContext, insight: str, ttl: float, settings: Settings
) -> dict[str, KpiSeries]:
    window = timedelta(minutes=settings.kpi_window_minutes)

    async def fetch() -> Frame:
        series = await insight_kpi_series(
            runtime.ql, fiware_context(context), insight, now=datetime.now(UTC), window=window
        )
        return merge_frames(frame_from_series(s.id, s.index, s.attributes) for s in series)

    frame = await runtime.cached(
        context, ("insight-kpi", insight, window.total_seconds()), ttl, fetch
    )
    return kpi_series([FrameRows(frame.times, frame.columns)], insight)


def register(app: Dash, runtime: Runtime, settings: Settings) -> None:
    """Register both callbacks once for the app (MATCH on the board slug)."""

    @app.callback(
        Output(ids.picker(MATCH), "options"),
        Output(ids.picker(MATCH), "value"),
        Output(ids.picker(MATCH), "placeholder"),
        Output(ids.picker_note(MATCH), "children"),
        Input(ids.picker_poll(MATCH), "n_intervals"),
        State(ids.picker(MATCH), "value"),
    )
    async def load_ids(_tick: int | None, current: Any) -> tuple[Any, ...]:
        context = current_context()
        with Stopwatch(runtime.metrics, context.board, "entities"):
            try:
                found = await _ids(runtime, context, settings)
            except Exception as exc:
                return no_update, no_update, no_update, status_for_error(exc).message
        options = [{"label": i, "value": i} for i in found]
        if not found:
            return options, None, "No insights yet", "The list refreshes by itself."
        value = current if current in found else found[0]
        return options, value, "Choose…", ""

    @app.callback(
        Output(ids.tabs(MATCH), "children"),
        Output(ids.tabs(MATCH), "active_tab"),
        Output(ids.warnings(MATCH), "children"),
        Output(kit_ids.status(MATCH), "children"),
        Output(kit_ids.status(MATCH), "color"),
        Output(kit_ids.status(MATCH), "className"),
        Input(ids.picker(MATCH), "value"),
        Input(ids.poll(MATCH), "n_intervals"),
        State(ids.tabs(MATCH), "active_tab"),
    )
    async def show(insight: Any, _tick: int | None, active: Any) -> tuple[Any, ...]:
        context = current_context()
        if not isinstance(insight, str) or not insight:
            return [], None, None, *_status(CHOOSE)
        with Stopwatch(runtime.metrics, context.board, "draw"):
            return await _show(runtime, context, settings, insight, active)


async def _show(
    runtime: Runtime, context: TenantContext, settings: Settings, insight: str, active: Any
) -> tuple[Any, ...]:
    ttl = refresh_seconds(context, settings)
    preview = context.board == PREVIEW
    try:
        results = await _results(runtime, context, insight, ttl)
        measured = await _kpis(runtime, context, insight, ttl, settings) if preview else {}
    except InsightNotFound:
        gone = Status("empty", f"{insight} is no longer available; choose another insight.")
        return [], None, None, *_status(gone)
    except Exception as exc:
        return no_update, no_update, no_update, *_status(status_for_error(exc))
    report = read_results(results)
    zone = tenant_zone(context.timezone)
    template = figure_template(context.theme)
    now = datetime.now(UTC)
    tabs = []
    for position, rec in enumerate(report.recommendations):
        if preview:
            series = measured.get(rec.kpi, KpiSeries((), ()))
            figure = kpi_series_figure(
                rec,
                series.times,
                series.values,
                tz=zone,
                timezone=context.timezone,
                template=template,
            )
        else:
            figure = best_value_figure(
                rec, now=now, tz=zone, timezone=context.timezone, template=template
            )
        # Keeps the viewer's zoom on this KPI across refreshes.
        figure.update_layout(uirevision=f"{insight}|{rec.kpi}")
        tabs.append(kpi_tab(rec, figure, f"kpi-{position}"))
    tab_ids = [f"kpi-{i}" for i in range(len(tabs))]
    # A tab the viewer can still see is left alone: this answer may have been asked for
    # before their last click, and echoing its stale active_tab would undo that click.
    chosen: Any = no_update if active in tab_ids else (tab_ids[0] if tab_ids else None)
    count = len(report.recommendations)
    status = (
        Status("live", f"{count} KPI(s) · updated {now.astimezone(zone):%H:%M:%S}")
        if count
        else Status("empty", "This insight holds no KPI recommendations.")
    )
    return tabs, chosen, warnings_alert(report.warnings), *_status(status)
