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
    MalformedCallback,
    Runtime,
    Status,
    Stopwatch,
    current_context,
    figure_template,
    fiware_context,
    frame_from_series,
    merge_frames,
    status_for_error,
    status_outputs,
    tenant_zone,
)
from dash import MATCH, Dash, Input, Output, State, callback_context, html, no_update
from tenant_context import TenantContext

from board_insight import ids
from board_insight.address import Address, read_address, write_address
from board_insight.config import Settings
from board_insight.data import (
    InsightNotFound,
    InsightState,
    insight_ids,
    insight_kpi_series,
    insight_state,
)
from board_insight.figures import best_value_figure, kpi_series_figure
from board_insight.kpis import KpiSeries, kpi_series
from board_insight.panels import kpi_panel, kpi_tab, kpi_tab_ids, warnings_alert
from board_insight.recommendations import read_results
from board_insight.refresh import PREVIEW, refresh_seconds

_EPOCH = datetime.fromtimestamp(0, UTC)
CHOOSE = Status("idle", "Choose an insight to see its recommendations.")


@dataclass(frozen=True, slots=True)
class FrameRows:
    """A frame read as one series (``kpis.SeriesLike``)."""

    index: Sequence[datetime]
    attributes: Mapping[str, Sequence[Any]] = field(default_factory=dict)


def _status(status: Status) -> tuple[Any, ...]:
    return status.message, status.color, status.css_class


async def _ids(runtime: Runtime, context: TenantContext, settings: Settings) -> list[str]:
    async def fetch() -> Frame:
        found = await insight_ids(runtime.orion, fiware_context(context))
        return Frame(tuple(_EPOCH for _ in found), {ENTITY: found})

    frame = await runtime.cached(
        context, ("insight-ids",), settings.entity_refresh_seconds / 2, fetch
    )
    return [str(v) for v in frame.column(ENTITY)]


async def _state(
    runtime: Runtime, context: TenantContext, insight: str, ttl: float
) -> InsightState:
    async def fetch() -> Frame:
        state = await insight_state(runtime.orion, fiware_context(context), insight)
        since = state.since.isoformat() if state.since is not None else None
        return Frame((datetime.now(UTC),), {"Results": [state.results], "Since": [since]})

    frame = await runtime.cached(context, ("insight", insight), ttl, fetch)
    since = frame.column("Since")[0] if "Since" in frame.columns else None
    return InsightState(
        frame.column("Results")[0], datetime.fromisoformat(since) if since else None
    )


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


def _triggered_by(kind: str) -> bool:
    """Whether the component of type ``insight-<kind>`` is among this call's triggers."""
    return any(
        isinstance(found, dict) and found.get("type") == f"insight-{kind}"
        for found in callback_context.triggered_prop_ids.values()
    )


def _optional_text(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MalformedCallback(f"{what} must be text, not {type(value).__name__}")


def register(app: Dash, runtime: Runtime, settings: Settings) -> None:
    """Register both callbacks once for the app (MATCH on the board slug)."""

    @app.callback(
        Output(ids.picker(MATCH), "options"),
        Output(ids.picker(MATCH), "value"),
        Output(ids.picker(MATCH), "placeholder"),
        Output(ids.picker_note(MATCH), "children"),
        Output(ids.location(MATCH), "search"),
        Input(ids.picker_poll(MATCH), "n_intervals"),
        Input(ids.location(MATCH), "search"),
        Input(ids.picker(MATCH), "value"),
        Input(ids.tabs(MATCH), "active_tab"),
    )
    async def choose(_tick: int | None, search: Any, current: Any, tab: Any) -> tuple[Any, ...]:
        search = _optional_text(search, "search")
        current = _optional_text(current, "insight")
        tab = _optional_text(tab, "tab")
        asked = read_address(search)
        context = current_context()
        with Stopwatch(runtime.metrics, context.board, "entities"):
            try:
                found = await _ids(runtime, context, settings)
            except Exception as exc:
                return no_update, no_update, no_update, status_for_error(exc).message, no_update
        options = [{"label": i, "value": i} for i in found]
        # The address wins when it changed (a link, a reload, back/forward); a pick wins
        # otherwise.
        wanted = asked.insight if _triggered_by("location") and asked.insight else current
        wanted = wanted or asked.insight
        if not found:
            return options, None, "No insights yet", "The list refreshes by itself.", no_update
        value = wanted if wanted in found else found[0]
        if wanted is not None and wanted not in found:
            note: Any = f"{wanted} is not among this tenant's insights; showing {value}."
        else:
            note = "" if _triggered_by("picker") else no_update
        # A tab of another insight is not carried over to this one.
        kpi = tab if value == current else (asked.kpi if value == asked.insight else None)
        wanted_search = write_address(Address(value, kpi))
        return (
            options,
            value if value != current else no_update,
            "Choose…",
            note,
            wanted_search if wanted_search != (search or "") else no_update,
        )

    @app.callback(
        Output(ids.tabs(MATCH), "children"),
        Output(ids.tabs(MATCH), "active_tab"),
        Output(ids.panel(MATCH), "children"),
        Output(ids.warnings(MATCH), "children"),
        *status_outputs(MATCH),
        Input(ids.picker(MATCH), "value"),
        Input(ids.poll(MATCH), "n_intervals"),
        Input(ids.tabs(MATCH), "active_tab"),
        State(ids.location(MATCH), "search"),
    )
    async def show(insight: Any, _tick: int | None, active: Any, search: Any) -> tuple[Any, ...]:
        insight = _optional_text(insight, "insight")
        active = _optional_text(active, "tab")
        search = _optional_text(search, "search")
        context = current_context()
        if not insight:
            return [], None, None, None, *_status(CHOOSE)
        with Stopwatch(runtime.metrics, context.board, "draw"):
            return await _show(runtime, context, settings, insight, active, read_address(search))


async def _show(
    runtime: Runtime,
    context: TenantContext,
    settings: Settings,
    insight: str,
    active: str | None,
    asked: Address,
) -> tuple[Any, ...]:
    ttl = refresh_seconds(context, settings)
    preview = context.board == PREVIEW
    try:
        state = await _state(runtime, context, insight, ttl)
        measured = await _kpis(runtime, context, insight, ttl, settings) if preview else {}
    except InsightNotFound:
        gone = Status("empty", f"{insight} is no longer available; choose another insight.")
        return [], None, None, None, *_status(gone)
    except Exception as exc:
        return no_update, no_update, no_update, no_update, *_status(status_for_error(exc))
    report = read_results(state.results)
    tab_ids = kpi_tab_ids(report.recommendations)
    # The viewer's tab stays; else the one the address asks for (when it names this
    # insight's KPI), else the first. Tabs are named for their KPI, so a tab id never
    # points at another insight's KPI.
    chosen: str | None
    if active in tab_ids:
        chosen = active
    elif asked.insight == insight and asked.kpi in tab_ids:
        chosen = asked.kpi
    else:
        chosen = tab_ids[0] if tab_ids else None
    zone = tenant_zone(context.timezone)
    template = figure_template(context.theme)
    now = datetime.now(UTC)
    panes = []
    for rec, tab_id in zip(report.recommendations, tab_ids, strict=True):
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
                rec,
                since=state.since,
                now=now,
                tz=zone,
                timezone=context.timezone,
                template=template,
            )
        # Keeps the viewer's zoom on this KPI across refreshes.
        figure.update_layout(uirevision=f"{insight}|{tab_id}")
        panes.append(
            html.Div(
                kpi_panel(rec, figure),
                id=ids.pane(context.board, tab_id),
                hidden=tab_id != chosen,
            )
        )
    tabs = [
        kpi_tab(rec.kpi, tab_id)
        for rec, tab_id in zip(report.recommendations, tab_ids, strict=True)
    ]
    count = len(report.recommendations)
    status = (
        Status("live", f"{count} KPI(s) · updated {now.astimezone(zone):%H:%M:%S}")
        if count
        else Status("empty", "This insight holds no KPI recommendations.")
    )
    # Echoing the tab the viewer is on would undo a click made while this was computed.
    return (
        tabs,
        no_update if chosen == active else chosen,
        panes,
        warnings_alert(report.warnings),
        *_status(status),
    )
