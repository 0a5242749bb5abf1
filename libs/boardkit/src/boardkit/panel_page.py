"""The page and callback of panel views (see :mod:`boardkit.panels`)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html
from dash.development.base_component import Component
from tenant_context import TenantContext

from boardkit import ids
from boardkit.boards import Board
from boardkit.context import current_context
from boardkit.controls import status_line
from boardkit.panel_updates import PanelController
from boardkit.panels import PanelView, Slots, control_id
from boardkit.runtime import Runtime, Stopwatch
from boardkit.values import checked_text
from boardkit.views import ViewContext
from boardkit.windows import tenant_zone


def panel_page_body(context: TenantContext, board: Board, runtime: Runtime) -> Component:
    """The status line, the board's slots as its layout places them, and the poll."""
    view = _view(board)
    loading = ViewContext(theme=context.theme, zone=tenant_zone(context.timezone))
    interval = int(runtime.refresh_seconds(context) * 1000)
    return html.Div(
        [
            status_line(board.slug),
            view.layout(Slots(board.slug, loading)),
            dcc.Interval(id=ids.panel_poll(board.slug), interval=interval),
            dcc.Store(id=ids.revision(board.slug), data=None),
        ]
    )


def register_panel_callbacks(app: Dash, runtime: Runtime, board: Board) -> None:
    """Register the one callback of a panel board (once per app)."""
    view = _view(board)
    slug = board.slug
    controller = PanelController(runtime, slug, view)

    @app.callback(
        *(Output(ids.slot(slug, name), "figure") for name in view.figures),
        *(Output(ids.slot(slug, name), "children") for name in view.parts),
        Output(ids.status(slug), "children"),
        Output(ids.status(slug), "color"),
        Output(ids.status(slug), "className"),
        Output(ids.freshness(slug), "children"),
        Output(ids.revision(slug), "data"),
        Input(ids.panel_poll(slug), "n_intervals"),
        *(Input(control_id(slug, name), "value") for name in view.controls),
        State(ids.revision(slug), "data"),
    )
    async def refresh(_tick: int | None, *rest: Any) -> tuple[Any, ...]:
        context = current_context()
        shown = checked_text(rest[-1], "the revision shown")
        choices = dict(zip(view.controls, rest[:-1], strict=True))
        with Stopwatch(runtime.metrics, context.board, "panels"):
            outcome = await controller.update(context, shown, choices=choices)
        return outcome.as_tuple()


def _view(board: Board) -> PanelView:
    assert board.panels is not None
    return board.panels
