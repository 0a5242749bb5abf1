"""What a board's series are for push: how to ask for rows newer than a time, and how to
encode them. A live view has one series per entity, or ``*`` when it reads the whole
entity type; a panel view one per source shared by all its viewers, ``panel:<name>``,
whose frames say only that the source changed (the page pulls its patch)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from dash import html
from dash.development.base_component import Component
from tenant_context import TenantContext

from boardkit import ids
from boardkit.boards import Board
from boardkit.frames import Frame
from boardkit.panel_updates import panel_refresh_seconds, source_cache_parts
from boardkit.panels import PanelView, SourceRequest
from boardkit.push_events import changed_event, points_event
from boardkit.push_hub import SeriesSpec
from boardkit.runtime import Runtime, fiware_context
from boardkit.source_values import value_frame
from boardkit.views import LiveView, ViewContext
from boardkit.windows import Window, tenant_zone

WHOLE_TYPE = "*"
PANEL_PREFIX = "panel:"
MAX_SERIES = 12
_MAX_NAME = 256


class UnknownSeries(ValueError):
    """A series the board does not have (answered 400, the message says which)."""


def series_spec(runtime: Runtime, context: TenantContext, board: Board, name: str) -> SeriesSpec:
    """The spec of series ``name`` of ``board`` for this tenant, or UnknownSeries."""
    if not name or len(name) > _MAX_NAME or any(ord(c) < 32 for c in name):
        raise UnknownSeries("a series must be 1 to 256 printable characters")
    resolved = board.resolved(context)
    settings = json.dumps(context.settings, sort_keys=True, default=str)
    scope = (context.fiware_service.lower(), context.service_path, board.slug, settings)
    if resolved.live is not None:
        view = resolved.live
        described = (*scope, context.timezone, view.entity_type, ",".join(view.attrs))
        return _live_spec(runtime, context, view, name, described)
    if resolved.panels is not None:
        return _panel_spec(runtime, context, board.slug, resolved.panels, name, scope)
    raise UnknownSeries(f"the board {board.slug!r} pushes nothing")


def _live_spec(
    runtime: Runtime, context: TenantContext, view: LiveView, name: str, scope: tuple[str, ...]
) -> SeriesSpec:
    if view.pick_entities == (name == WHOLE_TYPE) or name.startswith(PANEL_PREFIX):
        wanted = "an entity id" if view.pick_entities else f"{WHOLE_TYPE!r}"
        raise UnknownSeries(f"unknown series {name!r}: this board's series is {wanted}")
    entity = None if name == WHOLE_TYPE else name
    fiware = fiware_context(context)
    zone = tenant_zone(context.timezone)
    vctx = ViewContext(
        theme=context.theme,
        zone=zone,
        settings=context.settings,
        entities=(entity,) if entity else (),
    )

    async def newer(after: datetime | None) -> Frame:
        if after is None:
            return await view.fetch(runtime.ql, fiware, entity, Window("last_n", last_n=1))
        # From ``after`` on (QL includes the bound; the hub keeps only newer rows).
        frame = await view.fetch(runtime.ql, fiware, entity, Window("range", start=after))
        return frame.after(after)

    def encode(rows: Frame) -> bytes:
        traces = [
            {"key": t.key, "columns": {path: list(v) for path, v in t.columns.items()}}
            for t in view.traces(rows, replace(vctx, now=datetime.now(UTC)))
            if len(t)
        ]
        return points_event(name, list(rows.times), traces)

    return SeriesSpec((*scope, "live", name), name, newer, encode)


def _panel_spec(
    runtime: Runtime,
    context: TenantContext,
    slug: str,
    view: PanelView,
    name: str,
    scope: tuple[str, ...],
) -> SeriesSpec:
    # Sources that depend on a viewer's choices are not shared by all viewers: not pushed.
    sources = {PANEL_PREFIX + s.name: s for s in view.sources if not s.choices}
    source = sources.get(name)
    if source is None:
        known = ", ".join(sorted(sources)) or "none"
        raise UnknownSeries(f"unknown series {name!r}: this board's series are {known}")
    fiware = fiware_context(context)
    ttl = panel_refresh_seconds(runtime, view, context)
    settings = scope[-1]
    seen: dict[str, str] = {}

    async def fetch() -> Frame:
        request = SourceRequest(settings=context.settings, now=datetime.now(UTC))
        return value_frame(await source.fetch(runtime, fiware, request))

    async def newer(after: datetime | None) -> Frame:
        # The page's own poll reads the same cache entry, so a nudged page finds the new
        # data; a changed answer is one new "row" at its newest time (or now).
        parts = source_cache_parts(slug, source.name, settings, {})
        frame = await runtime.cached(context, parts, ttl, fetch)
        digest = frame.to_json()
        if seen.get("digest") == digest and after is not None:
            return Frame()
        seen["digest"] = digest
        newest = frame.last_time
        if newest is None or (after is not None and newest <= after):
            newest = datetime.now(UTC)
        return Frame((newest,), {})

    def encode(rows: Frame) -> bytes:
        assert rows.last_time is not None
        return changed_event(name, rows.last_time)

    return SeriesSpec((*scope, "panel", name), name, newer, encode)


def push_badge(context: TenantContext, board: Board, runtime: Runtime) -> Component:
    """Where a live board's page shows its push state; its ``data-*`` attributes tell the
    push client how to apply frames: ``extend`` appends the points, ``nudge`` runs the
    page's own update at once (views whose new rows may change bars already drawn)."""
    view = board.live  # as the page is built: resolved, or as declared for validation
    assert view is not None
    mode = "extend" if view.pick_entities and view.needs_redraw is None else "nudge"
    attributes: dict[str, Any] = {
        "data-mode": mode,
        "data-whole": "0" if view.pick_entities else "1",
        "data-refresh-ms": str(int(runtime.refresh_seconds(context) * 1000)),
    }
    return html.Span("", id=ids.push(board.slug), className="bk-push", **attributes)


def panel_push_badge(context: TenantContext, board: Board, runtime: Runtime) -> Component:
    """Where a panel page shows its push state; ``data-series`` lists the sources the
    page watches (those every viewer shares), ``data-*-ms`` its two poll paces."""
    view = board.panels  # as the page is built: resolved, or as declared for validation
    assert view is not None
    series = [PANEL_PREFIX + s.name for s in view.sources if not s.choices]
    refresh = panel_refresh_seconds(runtime, view, context)
    attributes: dict[str, Any] = {
        "data-series": json.dumps(series),
        "data-refresh-ms": str(int(refresh * 1000)),
        "data-safety-ms": str(int(max(refresh, runtime.settings.push_safety_poll_seconds) * 1000)),
    }
    return html.Span("", id=ids.panel_push(board.slug), className="bk-push", **attributes)
