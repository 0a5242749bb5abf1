"""The page and callback of panel views (see :mod:`boardkit.panels`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, dcc, html
from dash.development.base_component import Component
from tenant_context import TenantContext

from boardkit import ids
from boardkit.address import address_notice, read_address
from boardkit.boards import Board
from boardkit.context import current_context
from boardkit.controls import status_line
from boardkit.look import Look, picked_look
from boardkit.panel_updates import PanelController, panel_refresh_seconds
from boardkit.panels import PanelView, Slots, control_id
from boardkit.push_series import panel_push_badge
from boardkit.runtime import Runtime, Stopwatch
from boardkit.values import checked_text
from boardkit.views import ViewContext
from boardkit.windows import tenant_zone


def panel_page_body(context: TenantContext, board: Board, runtime: Runtime) -> Component:
    """The status line, the board's slots as its layout places them, and the poll."""
    view = _view(board)
    loading = ViewContext(theme=context.theme, zone=tenant_zone(context.timezone))
    interval = int(panel_refresh_seconds(runtime, view, context) * 1000)
    options = int(runtime.settings.entity_refresh_seconds * 1000)
    options_poll = [dcc.Interval(id=ids.options_poll(board.slug), interval=options)]
    return html.Div(
        [
            dbc.Alert(
                "",
                id=ids.address_note(board.slug),
                color="warning",
                is_open=False,
                dismissable=True,
            ),
            html.Div(
                [status_line(board.slug), panel_push_badge(context, board, runtime)],
                className="bk-status-row",
            ),
            view.layout(Slots(board.slug, loading, view.pickers, board.palettes)),
            dcc.Interval(id=ids.panel_poll(board.slug), interval=interval),
            *(options_poll if view.pickers else []),
            dcc.Store(id=ids.revision(board.slug), data=None),
        ],
        className="bk-panel",
    )


def register_panel_callbacks(app: Dash, runtime: Runtime, board: Board) -> None:
    """Register the one callback of a panel board (once per app)."""
    view = _view(board)
    slug = board.slug
    controller = PanelController(runtime, slug, view)
    pickers = [p.name for p in view.pickers]
    # Tab sets report their choice as ``active_tab``; every other choice as ``value``.
    choice_props = [
        *((name, "value") for name in (*view.controls, *pickers)),
        *((name, "active_tab") for name in view.tabs),
    ]
    # The theme picker's controls: the switch, then the palette picker if there are any.
    look = [ids.theme_choice(slug)] if view.theme_picker else []
    if look and board.palettes:
        look.append(ids.palette_choice(slug))
    address = bool(view.in_address or look)
    location = ids.address(slug, ids.PANEL)

    @app.callback(
        *(Output(ids.slot(slug, name), "figure") for name in view.figures),
        *(Output(ids.slot(slug, name), "children") for name in view.parts),
        *(
            output
            for name in view.tabs
            for output in (
                Output(control_id(slug, name), "children"),
                Output(control_id(slug, name), "active_tab"),
                Output(ids.slot(slug, name), "children"),
            )
        ),
        *(
            output
            for name in pickers
            for output in (
                Output(control_id(slug, name), "options"),
                Output(control_id(slug, name), "value"),
                Output(control_id(slug, name), "placeholder"),
                Output(ids.control_note(slug, name), "children"),
            )
        ),
        *([Output(location, "search")] if address else []),
        *(Output(control, "value") for control in look),
        Output(ids.status(slug), "children"),
        Output(ids.status(slug), "color"),
        Output(ids.status(slug), "className"),
        Output(ids.freshness(slug), "children"),
        Output(ids.revision(slug), "data"),
        Input(ids.panel_poll(slug), "n_intervals"),
        *([Input(ids.options_poll(slug), "n_intervals")] if pickers else []),
        *(Input(control_id(slug, name), prop) for name, prop in choice_props),
        *(Input(control, "value") for control in look),
        Input(location, "search"),
        *(State(control_id(slug, name), "options") for name in pickers),
        State(ids.revision(slug), "data"),
    )
    async def refresh(_tick: int | None, *rest: Any) -> tuple[Any, ...]:
        values = list(rest[1:] if pickers else rest)  # without the options poll's tick
        shown = checked_text(values.pop(), "the revision shown")
        held = {name: values.pop() for name in reversed(pickers)}
        search = checked_text(values.pop(), "the page address")
        picked = values[len(choice_props) :]
        context = current_context()
        choices = {name: values[i] for i, (name, _) in enumerate(choice_props)}
        for name in (*pickers, *view.tabs):
            choices[name] = checked_text(choices[name], f"the choice {name}")
        triggered = ctx.triggered_id
        changed = triggered.get("control") if isinstance(triggered, Mapping) else None
        from_address = triggered is None or triggered == location
        asked = read_address(search, view.in_address, board.palette_slugs)[0]
        kept = Look(asked.theme, asked.palette)
        outputs: tuple[Any, ...] = ()
        if look:
            settled = picked_look(
                asked, context.theme, board.palettes, picked, from_address=from_address
            )
            kept, outputs = settled.kept, settled.outputs
            theme = settled.theme
        else:
            theme = asked.theme or context.theme
        if theme != context.theme:
            # Figures match the page the viewer sees.
            context = context.model_copy(update={"theme": theme})
        with Stopwatch(runtime.metrics, context.board, "panels"):
            outcome = await controller.update(
                context,
                shown,
                choices=choices,
                search=search,
                from_address=from_address,
                changed=changed,
                options=held,
                look=kept,
            )
        outcome.look = list(outputs)
        return outcome.as_tuple()

    @app.callback(
        Output(ids.address_note(slug), "children"),
        Output(ids.address_note(slug), "is_open"),
        Input(location, "search"),
    )
    async def address_note(search: Any) -> tuple[str, bool]:
        search = checked_text(search, "the page address")
        notices = read_address(search, view.in_address, board.palette_slugs)[1]
        return address_notice(notices), bool(notices)

    # The pickers whose values name pushed series: a new choice follows other series.
    followed = sorted({name for source in view.pushed for name in source.choices})
    app.clientside_callback(  # type: ignore[no-untyped-call]
        """function(revision) {
            // The page's push stream starts with its first rendering, which settles the
            // choices; a choice the series depend on moves it (static/push_client.js).
            var names = """
        + json.dumps(followed)
        + """;
            var id = arguments[arguments.length - 1];
            var choices = {};
            for (var i = 0; i < names.length; i++) choices[names[i]] = arguments[i + 1];
            if (revision && window.boardkitPush) window.boardkitPush.panel(id.board, choices);
            return window.dash_clientside.no_update;
        }""",
        Output(ids.panel_push(slug), "title"),
        Input(ids.revision(slug), "data"),
        *(Input(control_id(slug, name), "value") for name in followed),
        State(ids.revision(slug), "id"),
    )


def _view(board: Board) -> PanelView:
    assert board.panels is not None
    return board.panels
