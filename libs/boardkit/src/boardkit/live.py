"""The page and callbacks of live views: the kit's answer to 'show this series, live'.

The page parts and the Dash callbacks live here; what the main callback answers is
decided by :class:`boardkit.updates.LiveController`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.development.base_component import Component
from tenant_context import TenantContext

from boardkit import ids, states
from boardkit.address import Address, address_notice, read_address, themed, write_address
from boardkit.boards import Board
from boardkit.context import current_context
from boardkit.controls import download_control, entity_picker, status_line, window_picker
from boardkit.downloads import csv_filename, figure_csv
from boardkit.push_series import push_badge
from boardkit.runtime import Runtime, Stopwatch, fiware_context
from boardkit.updates import LiveController, Outcome, selection_values
from boardkit.values import (
    checked_cursor,
    checked_figure,
    checked_number,
    checked_selection,
    checked_text,
)
from boardkit.views import LiveHeader, LiveView, ViewContext, empty_figure
from boardkit.windows import CUSTOM, LAST_N, tenant_zone


def live_page_parts(
    context: TenantContext, board: Board, runtime: Runtime
) -> tuple[list[Component], Component]:
    """The controls (left) and the figure area (right) of a live board."""
    view = _view(board)
    slug = board.slug
    zone = tenant_zone(context.timezone)
    controls: list[Component] = []
    if view.pick_entities:
        controls.append(
            entity_picker(
                slug,
                multi=view.multi,
                refresh_seconds=runtime.settings.entity_refresh_seconds,
                label=view.entity_label,
            )
        )
    else:
        # The kit's callbacks take the picker's parts as inputs and outputs whatever the
        # board: with MATCH, a page holding only some of them fails in the browser. Here
        # they stay hidden and empty, and the entity list is never polled.
        controls.append(
            html.Div(
                [
                    dcc.Dropdown(id=ids.entities(slug), value=[]),
                    html.Div(id=ids.entities_note(slug)),
                    dcc.Interval(id=ids.entities_poll(slug), disabled=True),
                ],
                hidden=True,
            )
        )
    controls.append(
        window_picker(
            slug,
            default=view.default_window,
            default_last_n=view.default_last_n,
            zone_name=str(zone),
        )
    )
    loading = ViewContext(theme=context.theme, zone=zone)
    body = html.Div(
        [
            dbc.Alert(
                "", id=ids.address_note(slug), color="warning", is_open=False, dismissable=True
            ),
            html.Div(
                [status_line(slug), push_badge(context, board, runtime)], className="bk-status-row"
            ),
            *([_header(slug, runtime.refresh_seconds(context))] if view.header else []),
            dcc.Graph(
                id=ids.graph(slug),
                figure=empty_figure("Loading…", loading),
                config={"displaylogo": False, "responsive": True},
                style={"height": "65vh"},
            ),
            download_control(slug),
            dcc.Interval(id=ids.poll(slug), interval=int(runtime.refresh_seconds(context) * 1000)),
            dcc.Store(id=ids.cursor(slug), data=None),
        ]
    )
    return [dbc.Card(dbc.CardBody(controls), className="mb-3")], body


def _header(slug: str, refresh_seconds: float) -> Component:
    return html.Div(
        [
            html.Div("Loading…", id=ids.header(slug), className="mb-2 small"),
            dcc.Interval(id=ids.header_poll(slug), interval=int(refresh_seconds * 1000)),
        ]
    )


async def header_content(
    runtime: Runtime, context: TenantContext, header: LiveHeader, entities: tuple[str, ...]
) -> Component:
    """The header for ``entities`` from its source's cached answer, or why there is none."""
    fiware = fiware_context(context)
    with Stopwatch(runtime.metrics, context.board, "header"):
        try:
            data = await runtime.cached(
                context,
                ("header", context.board, *header.key),
                runtime.refresh_seconds(context),
                lambda: header.fetch(runtime, fiware),
            )
        except Exception as exc:  # every failure is a state the viewer reads, never a 500
            return html.Div(f"{header.label}: {states.status_for_error(exc).message}")
    return header.render(data, entities)


def _view(board: Board) -> LiveView:
    assert board.live is not None
    return board.live


def register_live_callbacks(app: Dash, runtime: Runtime, boards: Mapping[str, Board]) -> None:
    """Register the kit's callbacks once for every live board of the app (MATCH on board)."""
    controller = LiveController(runtime, boards)
    live_boards = {slug: b for slug, b in boards.items() if b.live is not None}

    def live_board(context: TenantContext) -> LiveView | None:
        board = live_boards.get(context.board)
        return board.resolved(context).live if board is not None else None

    @app.callback(
        Output(ids.entities(MATCH), "options"),
        Output(ids.entities(MATCH), "value"),
        Output(ids.entities(MATCH), "placeholder"),
        Output(ids.entities_note(MATCH), "children"),
        Input(ids.entities_poll(MATCH), "n_intervals"),
        Input(ids.address(MATCH, ids.LIVE), "search"),
        State(ids.entities(MATCH), "value"),
    )
    async def load_entities(_tick: int | None, search: Any, current: Any) -> tuple[Any, ...]:
        context = current_context()
        current = checked_selection(current)
        search = checked_text(search, "the page address")
        view = live_board(context)
        if view is None or not view.pick_entities:
            return no_update, no_update, no_update, no_update
        with Stopwatch(runtime.metrics, context.board, "entities"):
            try:
                found = await controller.entity_ids(context, view)
            except Exception as exc:
                status = states.status_for_error(exc)
                return no_update, no_update, no_update, status.message
        options = [{"label": _short(entity), "value": entity} for entity in found]
        chosen = list(selection_values(current))
        if not found:
            # Short enough for the picker; the status line says what is awaited and how.
            return options, no_update, "None yet", f"{view.entity_type} entities appear here."
        value: Any = no_update
        note = ""
        asked = read_address(search)[0].entities
        if asked and ctx.triggered_id != ids.entities_poll(context.board):
            # Opened from an address, or back/forward: the address decides the selection.
            known = [entity for entity in asked if entity in found]
            missing = [_short(entity) for entity in asked if entity not in found]
            if missing:
                note = "Not found, so not shown: " + ", ".join(missing)
            wanted = known if view.multi else known[:1]
            if wanted and wanted != chosen:
                value = wanted if view.multi else wanted[0]
            chosen = chosen or wanted
        if not chosen:
            value = [found[0]] if view.multi else found[0]
        return options, value, "Choose…", note

    @app.callback(
        Output(ids.header(MATCH), "children"),
        Input(ids.header_poll(MATCH), "n_intervals"),
        Input(ids.entities(MATCH), "value"),
    )
    async def header(_tick: int | None, selection: Any) -> Any:
        context = current_context()
        chosen = tuple(selection_values(checked_selection(selection)))
        view = live_board(context)
        if view is None or view.header is None:
            return no_update
        return await header_content(runtime, context, view.header, chosen)

    app.clientside_callback(  # type: ignore[no-untyped-call]
        """function(choice) {
            var hide = {display: 'none'};
            return [choice === 'last_n' ? {} : hide, choice === 'custom' ? {} : hide];
        }""",
        Output(ids.last_n_row(MATCH), "style"),
        Output(ids.custom_range(MATCH), "style"),
        Input(ids.window(MATCH), "value"),
    )

    @app.callback(
        Output(ids.address(MATCH, ids.LIVE), "search"),
        Output(ids.window(MATCH), "value"),
        Output(ids.last_n(MATCH), "value"),
        Output(ids.range_start(MATCH), "value"),
        Output(ids.range_end(MATCH), "value"),
        Output(ids.address_note(MATCH), "children"),
        Output(ids.address_note(MATCH), "is_open"),
        Input(ids.address(MATCH, ids.LIVE), "search"),
        Input(ids.entities(MATCH), "value"),
        Input(ids.window(MATCH), "value"),
        Input(ids.last_n(MATCH), "value"),
        Input(ids.range_start(MATCH), "value"),
        Input(ids.range_end(MATCH), "value"),
    )
    async def address(
        search: Any, selection: Any, choice: Any, last_n: Any, start: Any, end: Any
    ) -> tuple[Any, ...]:
        """Address and controls kept in step: a new address (opened, back/forward) sets
        the controls; a control change writes the address (one history entry)."""
        context = current_context()
        search = checked_text(search, "the page address")
        view = live_board(context)
        if view is None:
            return (no_update,) * 7
        palettes = live_boards[context.board].palette_slugs
        asked, notices = read_address(search, palettes=palettes)
        triggered = ctx.triggered_id
        if triggered is None or triggered == ids.address(context.board, ids.LIVE):
            return (
                no_update,
                asked.window or view.default_window,
                asked.last_n or view.default_last_n,
                asked.start,
                asked.end,
                address_notice(notices),
                bool(notices),
            )
        choice = checked_text(choice, "the time window")
        shown = Address(
            entities=tuple(selection_values(checked_selection(selection))),
            window=choice,
            last_n=_whole(last_n) if choice == LAST_N else None,
            start=checked_text(start, "the start of the range") if choice == CUSTOM else None,
            end=checked_text(end, "the end of the range") if choice == CUSTOM else None,
            theme=asked.theme,
            palette=asked.palette,
            embed=asked.embed,
        )
        wanted = write_address(shown)
        return (
            wanted if wanted != (search or "") else no_update,
            *(no_update,) * 6,
        )

    @app.callback(
        Output(ids.graph(MATCH), "figure"),
        Output(ids.graph(MATCH), "extendData"),
        Output(ids.cursor(MATCH), "data"),
        Output(ids.status(MATCH), "children"),
        Output(ids.status(MATCH), "color"),
        Output(ids.status(MATCH), "className"),
        Output(ids.freshness(MATCH), "children"),
        Input(ids.entities(MATCH), "value"),
        Input(ids.window(MATCH), "value"),
        Input(ids.last_n(MATCH), "value"),
        Input(ids.range_start(MATCH), "value"),
        Input(ids.range_end(MATCH), "value"),
        Input(ids.poll(MATCH), "n_intervals"),
        State(ids.cursor(MATCH), "data"),
        State(ids.address(MATCH, ids.LIVE), "search"),
    )
    async def refresh(
        selection: Any,
        choice: str | None,
        last_n: Any,
        start: str | None,
        end: str | None,
        _tick: int | None,
        cursor: Mapping[str, Any] | None,
        search: Any,
    ) -> tuple[Any, ...]:
        context = themed(current_context(), checked_text(search, "the page address"))
        selection = checked_selection(selection)
        choice = checked_text(choice, "the time window")
        last_n = checked_number(last_n, "the number of points")
        start = checked_text(start, "the start of the range")
        end = checked_text(end, "the end of the range")
        cursor = checked_cursor(cursor)
        if live_board(context) is None:
            return Outcome().as_tuple()
        triggered = ctx.triggered_id
        poll = isinstance(triggered, Mapping) and triggered.get("type") == "bk-poll"
        initial = triggered is None
        with Stopwatch(runtime.metrics, context.board, "poll" if poll else "draw"):
            outcome = await controller.update(
                context,
                selection,
                choice,
                last_n,
                start,
                end,
                poll=poll,
                initial=initial,
                cursor=cursor,
            )
        return outcome.as_tuple()

    app.clientside_callback(  # type: ignore[no-untyped-call]
        """function(cursor, id) {
            // The push client follows what the figure holds (static/push_client.js).
            if (window.boardkitPush) window.boardkitPush.cursor(id.board, cursor);
            return window.dash_clientside.no_update;
        }""",
        Output(ids.push(MATCH), "title"),
        Input(ids.cursor(MATCH), "data"),
        State(ids.cursor(MATCH), "id"),
    )

    @app.callback(
        Output(ids.download(MATCH), "data"),
        Input(ids.download_button(MATCH), "n_clicks"),
        State(ids.graph(MATCH), "figure"),
        prevent_initial_call=True,
    )
    async def download(_clicks: int | None, figure: Mapping[str, Any] | None) -> Any:
        context = current_context()
        figure = checked_figure(figure)
        view = live_board(context)
        if view is None or not figure:
            return no_update
        x_label = f"{view.x_label} ({context.timezone})" if view.x_label == "time" else view.x_label
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return {
            "content": figure_csv(figure, x_label, view.y_label),
            "filename": csv_filename(context.tenant, context.board, stamp),
            "type": "text/csv",
            "base64": False,
        }


def _whole(value: Any) -> int | None:
    """A whole number of points for the address, or None (the address then leaves it out:
    what is being typed is not a state worth sharing)."""
    number = checked_number(value, "the number of points")
    if isinstance(number, str):
        return int(number) if number.strip().isdecimal() else None
    if isinstance(number, int | float) and number == int(number):
        return int(number)
    return None


def _short(entity_id: str) -> str:
    """``urn:ngsi-ld:RoughnessEstimate:1`` reads better as ``RoughnessEstimate:1``."""
    prefix = "urn:ngsi-ld:"
    return entity_id[len(prefix) :] if entity_id.startswith(prefix) else entity_id
