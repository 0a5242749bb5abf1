"""What a board's series are for push: how to ask for rows newer than a time, and how to
encode them. A live view has one series per entity, or ``*`` when it reads the whole
entity type; a panel view one per pushed source and choice of its pickers,
``panel:<name>`` or ``panel:<name>?<picker>=<value>``, whose frames say only that the
source changed (the page pulls its patch)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from dash import html
from dash.development.base_component import Component
from tenant_context import TenantContext

from boardkit import ids
from boardkit.boards import Board
from boardkit.frames import Frame
from boardkit.panel_updates import panel_refresh_seconds, picker_options, source_frame
from boardkit.panels import PanelView, Source
from boardkit.push_events import changed_event, points_event
from boardkit.push_hub import SeriesSpec
from boardkit.push_subscriptions import OrionSubject
from boardkit.runtime import Runtime, fiware_context
from boardkit.states import Status
from boardkit.views import LiveView, ViewContext
from boardkit.windows import Window, tenant_zone

WHOLE_TYPE = "*"
PANEL_PREFIX = "panel:"
MAX_SERIES = 12
_MAX_NAME = 256
# What the page's encodeURIComponent leaves as it is, besides letters, digits and "_.-~".
_URI_SAFE = "!'()*"


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

    subject = OrionSubject(fiware, view.entity_type, entity)
    return SeriesSpec((*scope, "live", name), name, newer, encode, subject)


def panel_series(source: Source, choices: Mapping[str, str]) -> str:
    """The series name of ``source`` for these choices: ``panel:<source>``, followed for
    a source that depends on pickers by ``?<choice>=<value>``, each part encoded as the
    page's ``encodeURIComponent`` does."""
    query = "&".join(
        f"{quote(name, safe=_URI_SAFE)}={quote(choices[name], safe=_URI_SAFE)}"
        for name in sorted(source.choices)
    )
    return PANEL_PREFIX + source.name + (f"?{query}" if query else "")


def _panel_name(name: str, view: PanelView) -> tuple[Source, dict[str, str]]:
    """The pushed source and the choices series ``name`` names, or UnknownSeries."""
    sources = {s.name: s for s in view.pushed}
    base, _, query = name.removeprefix(PANEL_PREFIX).partition("?")
    source = sources.get(base) if name.startswith(PANEL_PREFIX) else None
    if source is None:
        known = ", ".join(sorted(PANEL_PREFIX + s for s in sources)) or "none"
        raise UnknownSeries(f"unknown series {name!r}: this board's series are {known}")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        pairs = []
    choices = dict(pairs)
    wanted = sorted(source.choices)
    if len(pairs) != len(choices) or sorted(choices) != wanted or not all(choices.values()):
        query = "&".join(f"{c}=<value>" for c in wanted)
        form = PANEL_PREFIX + source.name + (f"?{query}" if query else "")
        raise UnknownSeries(f"unknown series {name!r}: this source's series is {form}")
    return source, choices


def _panel_spec(
    runtime: Runtime,
    context: TenantContext,
    slug: str,
    view: PanelView,
    name: str,
    scope: tuple[str, ...],
) -> SeriesSpec:
    source, choices = _panel_name(name, view)
    canonical = panel_series(source, choices)
    seen: dict[str, str] = {}

    async def newer(after: datetime | None) -> Frame:
        # The pages' own polls read the same cache entry, so a nudged page finds the new
        # data; a changed answer is one new "row" at its newest time (or now).
        frame = await source_frame(runtime, slug, view, context, source, choices, datetime.now(UTC))
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
        return changed_event(canonical, rows.last_time)

    return SeriesSpec((*scope, "panel", canonical), canonical, newer, encode)


async def unknown_choice(
    runtime: Runtime, context: TenantContext, board: Board, names: list[str]
) -> str | None:
    """Why one of the panel series ``names`` names an option its picker does not list
    (each would cost a poller), else None. While a list cannot be had, nothing is
    refused: the stream opens and says whether the source answers."""
    view = board.resolved(context).panels
    if view is None:
        return None
    now = datetime.now(UTC)
    pickers = {p.name: p for p in view.pickers}
    for name in names:
        _, choices = _panel_name(name, view)
        for choice, value in choices.items():
            picker = pickers[choice]
            listed = await picker_options(runtime, board.slug, view, context, picker, now)
            if not isinstance(listed, Status) and value not in listed:
                return f"unknown series {name!r}: {value} is not among this tenant's {picker.noun}"
    return None


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
    """Where a panel page shows its push state; ``data-series`` lists the sources every
    viewer watches, ``data-chosen`` the sources watched per choice (source: the pickers
    it depends on), ``data-options`` whether the page polls its pickers' options, and
    ``data-*-ms`` its two poll paces."""
    view = board.panels  # as the page is built: resolved, or as declared for validation
    assert view is not None
    series = [panel_series(s, {}) for s in view.pushed if not s.choices]
    chosen = {s.name: sorted(s.choices) for s in view.pushed if s.choices}
    refresh = panel_refresh_seconds(runtime, view, context)
    attributes: dict[str, Any] = {
        "data-series": json.dumps(series),
        "data-chosen": json.dumps(chosen),
        "data-options": "1" if view.pickers else "0",
        "data-refresh-ms": str(int(refresh * 1000)),
        "data-safety-ms": str(int(max(refresh, runtime.settings.push_safety_poll_seconds) * 1000)),
    }
    return html.Span("", id=ids.panel_push(board.slug), className="bk-push", **attributes)
