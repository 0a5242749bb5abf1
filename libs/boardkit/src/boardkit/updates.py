"""The live view's main callback, without Dash: from the picker's values, the poll tick
and the browser's cursor to a full figure, the new points, or a state.

Every answer comes from the shared cache, so viewers of the same window cost one query
per interval between them; the browser keeps the newest time it has in a store and a poll
is answered with only the points after it (``extendData``), with each trace's window
count as its maximum so the window rolls. What viewers of one cache entry receive is
worked out once (:mod:`boardkit.polls`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from dash import no_update
from tenant_context import TenantContext

from boardkit import states
from boardkit.boards import Board
from boardkit.frames import Frame, merge_frames
from boardkit.polls import PollMemo, PreparedView
from boardkit.runtime import Runtime, fiware_context
from boardkit.views import LiveView, ViewContext
from boardkit.views import empty_figure as _empty_figure
from boardkit.windows import InvalidWindow, Window, age_text, resolve_window, tenant_zone

MAX_ENTITIES = 12


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the main callback sends back (``no_update`` where nothing changes)."""

    figure: Any = no_update
    extend: Any = no_update
    cursor: Any = no_update
    status: states.Status | None = None
    freshness: Any = no_update

    def as_tuple(self) -> tuple[Any, ...]:
        """The callback's outputs, in the order they are registered."""
        if self.status is None:
            status_parts: tuple[Any, ...] = (no_update, no_update, no_update)
        else:
            status_parts = (
                self.status.message,
                self.status.color,
                self.status.css_class,
            )
        return (self.figure, self.extend, self.cursor, *status_parts, self.freshness)


class LiveController:
    """Fetches windows through the cache and decides between a full figure and new points."""

    def __init__(self, runtime: Runtime, boards: Mapping[str, Board]) -> None:
        self.runtime = runtime
        self.boards = boards
        self.memo = PollMemo()

    async def window_frames(
        self, context: TenantContext, view: LiveView, selected: Sequence[str | None], window: Window
    ) -> tuple[Frame, ...]:
        """Each selected entity's cached window frame (one shared query each)."""
        ttl = self.runtime.refresh_seconds(context)
        fiware = fiware_context(context)
        attrs = ",".join(view.attrs)

        async def one(entity: str | None) -> Frame:
            def fetch() -> Any:
                return view.fetch(self.runtime.ql, fiware, entity, window)

            parts = ("window", view.entity_type, attrs, entity or "*", window.key)
            return await self.runtime.cached(context, parts, ttl, fetch)

        if len(selected) == 1:  # the common case, without a task per entity
            return (await one(selected[0]),)
        return tuple(await asyncio.gather(*(one(entity) for entity in selected)))

    async def window_frame(
        self, context: TenantContext, view: LiveView, selected: Sequence[str | None], window: Window
    ) -> Frame:
        """The merged frame of every selected entity's window (one cached query each)."""
        return merge_frames(await self.window_frames(context, view, selected, window))

    async def entity_ids(self, context: TenantContext, view: LiveView) -> list[str]:
        """The ids of the view's entity type for this tenant (cached, shared)."""
        fiware = fiware_context(context)

        async def fetch() -> Frame:
            found = await self.runtime.ql.list_entities(fiware, type=view.entity_type)
            ordered = sorted(found, key=lambda s: s.id)
            epoch = datetime.fromtimestamp(0, UTC)
            ids = [s.id for s in ordered]
            return Frame(tuple(s.index or epoch for s in ordered), {"entity": ids})

        ttl = self.runtime.settings.entity_refresh_seconds / 2
        frame = await self.runtime.cached(context, ("entities", view.entity_type), ttl, fetch)
        return [str(e) for e in frame.column("entity")]

    async def _nothing_selected(self, context: TenantContext, view: LiveView) -> states.Status:
        """Why nothing is shown: no entity exists yet, or none is picked."""
        try:
            found = await self.entity_ids(context, view)
        except Exception as exc:
            return states.status_for_error(exc)
        if not found:
            return states.waiting_for(
                view.entity_type, context.fiware_service, context.service_path
            )
        return states.NO_SELECTION

    async def update(
        self,
        context: TenantContext,
        selection: Any,
        choice: str | None,
        last_n: Any,
        start: str | None,
        end: str | None,
        *,
        poll: bool,
        initial: bool,
        cursor: Mapping[str, Any] | None,
    ) -> Outcome:
        """Compute the main callback's answer (see the module docstring)."""
        view = _view(self.boards[context.board].resolved(context))
        zone = tenant_zone(context.timezone)
        base = ViewContext(theme=context.theme, zone=zone, settings=context.settings)
        now = datetime.now(UTC)
        try:
            window = resolve_window(choice, last_n, start, end, zone)
        except InvalidWindow as exc:
            if poll:
                return Outcome()
            status = states.status_for_error(exc)
            # Nothing is plotted: the footer must not keep talking of the last point.
            return Outcome(
                empty_figure(status.message, base),
                cursor={"ok": False},
                status=status,
                freshness="",
            )
        selected: list[str | None] = [None]
        if view.pick_entities:
            selected = [*selection_values(selection)[:MAX_ENTITIES]]
        if not selected:
            if initial:
                return Outcome(status=states.LOADING)
            status = await self._nothing_selected(context, view)
            if poll and cursor and cursor.get("sig") is None and cursor.get("why") == status.kind:
                return Outcome()
            return Outcome(
                empty_figure(status.message, base),
                cursor={"sig": None, "ok": False, "why": status.kind},
                status=status,
                freshness="",
            )
        sig = json.dumps([sorted(str(s) for s in selected), window.key])
        same = bool(cursor) and cursor.get("sig") == sig and cursor.get("ok")  # type: ignore[union-attr]
        if poll and same and not cursor.get("live"):  # type: ignore[union-attr]
            return Outcome()
        try:
            frames = await self.window_frames(context, view, selected, window)
        except Exception as exc:
            status = states.status_for_error(exc)
            if same:
                return Outcome(status=status)
            return Outcome(
                empty_figure(status.message, base),
                cursor={"sig": sig, "ok": False},
                status=status,
                freshness="",
            )
        vctx = replace(base, entities=tuple(s for s in selected if s), window=window)
        prepared = self.memo.prepared(
            _view_key(context, sig),
            frames,
            view,
            vctx,
            self.runtime.settings.max_points,
            self.runtime.refresh_seconds(context),
        )
        frame = prepared.frame
        fresh_text = _freshness(frame, now, zone)
        if poll and same and cursor is not None:
            step = prepared.step(cursor.get("last"), cursor.get("keys", []))
            if not step.new_points:
                return Outcome(status=states.live(len(frame)), freshness=fresh_text)
            if not step.redraw:
                return Outcome(
                    extend=step.extend,
                    cursor={**cursor, "last": step.last},
                    status=states.live(len(frame)),
                    freshness=fresh_text,
                )
        return _full(prepared, sig, window.is_live(now), fresh_text)


def _full(prepared: PreparedView, sig: str, live: bool, fresh: str) -> Outcome:
    frame = prepared.frame
    last = frame.last_time.isoformat() if frame.last_time is not None else None
    cursor = {"sig": sig, "ok": True, "live": live, "last": last, "keys": []}
    if not len(frame):
        return Outcome(
            empty_figure(states.NO_DATA.message, prepared.vctx),
            cursor=cursor,
            status=states.NO_DATA,
            freshness=fresh,
        )
    figure = prepared.figure(sig)
    cursor["keys"] = [t.key for t in prepared.traces()]
    status = states.live(len(frame)) if live else states.paused(len(frame))
    return Outcome(figure, cursor=cursor, status=status, freshness=fresh)


def empty_figure(message: str, context: ViewContext) -> dict[str, Any]:
    """The kit's blank figure with ``message``, as plain data.

    Answers hold plain data, never Plotly objects: serialising an object makes Plotly's
    orjson path fall back to a slow cleaning pass (which also loads numpy).
    """
    data: dict[str, Any] = _empty_figure(message, context).to_plotly_json()
    return data


def _view_key(context: TenantContext, sig: str) -> tuple[str, ...]:
    """Everything a view's traces and figure may depend on besides the frames."""
    settings = json.dumps(context.settings, sort_keys=True, default=str)
    return (
        context.board,
        context.fiware_service.lower(),
        context.service_path,
        context.theme,
        context.timezone,
        settings,
        sig,
    )


def _freshness(frame: Frame, now: datetime, zone: Any) -> str:
    checked = now.astimezone(zone).strftime("%H:%M:%S")
    return f"{age_text(frame.last_time, now)} · checked {checked}"


def _view(board: Board) -> LiveView:
    assert board.live is not None
    return board.live


def selection_values(value: Any) -> Sequence[str]:
    """The picked entity ids, whatever shape the dropdown sent (None, one id, a list)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v]
