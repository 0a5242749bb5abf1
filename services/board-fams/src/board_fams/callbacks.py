"""The fatigue board's one live callback: fetch through the shared cache, shape, draw.

Worker and intervention data are fetched and fail independently, so an outage of one
never blanks the other; a failure keeps the last data on screen and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from boardkit import (
    Frame,
    Runtime,
    Stopwatch,
    current_context,
    empty_figure,
    figure_template,
    fiware_context,
    status_for_error,
    tenant_zone,
)
from boardkit import ids as kit_ids
from boardkit.controls import status_class
from boardkit.states import NO_DATA, Status, live
from boardkit.views import ViewContext
from boardkit.windows import age_text
from dash import MATCH, Dash, Input, Output, State, no_update
from dash.development.base_component import Component
from tenant_context import TenantContext

from board_fams import ids
from board_fams.config import Settings
from board_fams.data import ASSIGNMENT_TYPE, EXECUTION_TYPE, WORKER_TYPE, by_entity, fetch_type
from board_fams.figures import current_figure, history_figure, lines_over_limit, share_figure
from board_fams.interventions import last_intervention
from board_fams.layout import refresh_seconds
from board_fams.options import read_options
from board_fams.panels import connected_workers, intervention_panel, limit_alert, notes
from board_fams.workers import summarise_fatigue


@dataclass(frozen=True, slots=True)
class Fetched:
    """The three frames, or the error that stopped each."""

    workers: Frame | Exception
    interventions: tuple[Frame, Frame] | Exception


async def _fetch(runtime: Runtime, context: TenantContext, settings: Settings) -> Fetched:
    ttl = refresh_seconds(context, settings)
    fiware = fiware_context(context)
    now = datetime.now(UTC)

    def window(entity_type: str, span: timedelta) -> Any:
        async def fetch() -> Frame:
            return await fetch_type(runtime.ql, fiware, entity_type, since=now - span, until=now)

        return runtime.cached(context, ("fams", entity_type, span.total_seconds()), ttl, fetch)

    workers: Frame | Exception
    interventions: tuple[Frame, Frame] | Exception
    try:
        workers = await window(WORKER_TYPE, timedelta(minutes=settings.worker_window_minutes))
    except Exception as exc:
        workers = exc
    span = timedelta(hours=settings.intervention_window_hours)
    try:
        interventions = (
            await window(ASSIGNMENT_TYPE, span),
            await window(EXECUTION_TYPE, span),
        )
    except Exception as exc:
        interventions = exc
    return Fetched(workers, interventions)


def _status(status: Status) -> tuple[Any, ...]:
    return status.message, status.color, status_class(status.kind)


def register(app: Dash, runtime: Runtime, settings: Settings) -> None:
    """Register the board's callback once for the app."""

    @app.callback(
        Output(ids.connected(MATCH), "children"),
        Output(ids.alerts(MATCH), "children"),
        Output(ids.share(MATCH), "figure"),
        Output(ids.current(MATCH), "figure"),
        Output(ids.history(MATCH), "figure"),
        Output(ids.intervention(MATCH), "children"),
        Output(kit_ids.status(MATCH), "children"),
        Output(kit_ids.status(MATCH), "color"),
        Output(kit_ids.status(MATCH), "className"),
        Output(kit_ids.freshness(MATCH), "children"),
        Input(ids.poll(MATCH), "n_intervals"),
        State(ids.connected(MATCH), "children"),
    )
    async def refresh(_tick: int | None, shown: Any) -> tuple[Any, ...]:
        context = current_context()
        with Stopwatch(runtime.metrics, context.board, "poll"):
            fetched = await _fetch(runtime, context, settings)
        return _render(context, settings, fetched, has_data=shown is not None)


def _render(
    context: TenantContext, settings: Settings, fetched: Fetched, *, has_data: bool
) -> tuple[Any, ...]:
    now = datetime.now(UTC)
    zone = tenant_zone(context.timezone)
    template = figure_template(context.theme)
    options = read_options(context.settings, settings.fatigue_limit)

    panel: Any
    if isinstance(fetched.interventions, Exception):
        problem = status_for_error(fetched.interventions)
        panel = no_update if has_data else problem.message
    else:
        assignments, executions = fetched.interventions
        panel = intervention_panel(
            last_intervention(by_entity(assignments), by_entity(executions)),
            zone,
            context.timezone,
        )

    if isinstance(fetched.workers, Exception):
        problem = status_for_error(fetched.workers)
        if has_data:
            return (no_update,) * 5 + (panel, *_status(problem), no_update)
        blank = empty_figure(problem.message, ViewContext(theme=context.theme, zone=zone))
        return (None, None, blank, blank, blank, panel, *_status(problem), "")

    frame = fetched.workers
    snapshot = summarise_fatigue(
        by_entity(frame),
        now=now,
        tz=zone,
        connected_within=timedelta(seconds=settings.connected_seconds),
        configured_lines=options.worker_lines,
    )
    limit = options.fatigue_limit
    alerts: list[Component] = []
    alert = limit_alert(lines_over_limit(snapshot, limit), limit)
    if alert is not None:
        alerts.append(alert)
    alerts.extend(notes([*options.notes, *snapshot.notes]))
    status = live(len(frame)) if len(frame) else NO_DATA
    checked = now.astimezone(zone).strftime("%H:%M:%S")
    figures = (
        share_figure(snapshot, template),
        current_figure(snapshot, limit, template),
        history_figure(snapshot, limit, template, context.timezone),
    )
    for position, figure in enumerate(figures):
        # Keeps the viewer's zoom and hidden legend entries across polls.
        figure.update_layout(uirevision=f"fams-{position}")
    return (
        connected_workers(snapshot.connected),
        alerts,
        *figures,
        panel,
        *_status(status),
        f"{age_text(frame.last_time, now)} · checked {checked}",
    )
