"""Panel views at run time: fetch every source through the shared cache, render once per
interval, and answer each viewer with what changed since the rendering it shows.

:meth:`PanelController.update` is the one place where new data for a board's sources
becomes what viewers receive: every viewer of one tenant's view in one interval gets the
same answer objects, worked out once. It also settles the viewer's choices: what the
address asks for, the pickers' options and the tab shown.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import Patch, no_update
from tenant_context import TenantContext

from boardkit import states
from boardkit.address import Address, read_address, write_address
from boardkit.frames import Frame
from boardkit.look import Look
from boardkit.memo import Recent
from boardkit.panels import NOT_CHOSEN, Panels, PanelView, Picker, Source, SourceRequest
from boardkit.patches import figure_patch
from boardkit.runtime import Runtime, fiware_context, tenant_refresh_seconds
from boardkit.source_values import frame_value, value_frame
from boardkit.views import ViewContext, empty_figure
from boardkit.windows import age_text, tenant_zone

# Renderings kept per view so a viewer one or two intervals behind still gets patches.
_KEPT_RENDERINGS = 3
_revisions = itertools.count(1)


@dataclass(slots=True)
class TabSet:
    """A tab set as one rendering shows it: the tabs, the chosen one and its content."""

    tabs: list[Any]
    chosen: str | None
    content: Any


@dataclass(slots=True)
class Rendering:
    """One rendering of a view: its revision and plain-data figures and parts."""

    revision: str
    sources: tuple[Frame | states.Status, ...]
    figures: dict[str, dict[str, Any]]
    parts: Mapping[str, Any]
    tabs: dict[str, TabSet]
    status: states.Status
    last_time: datetime | None
    _patches: dict[tuple[str, str], Patch | None] = field(default_factory=dict)

    def patch_from(self, older: Rendering, slot: str) -> Patch | dict[str, Any]:
        """What turns ``older``'s figure in ``slot`` into this one (worked out once)."""
        key = (older.revision, slot)
        if key not in self._patches:
            self._patches[key] = figure_patch(older.figures[slot], self.figures[slot])
        patch = self._patches[key]
        return self.figures[slot] if patch is None else patch


@dataclass(slots=True)
class PanelOutcome:
    """The panel callback's outputs, in registration order (tab sets: tabs, active tab,
    content; pickers: options, value, placeholder, note; the address only for views that
    keep choices or a theme picker there, then the theme picker's values)."""

    figures: list[Any]
    parts: list[Any]
    status: states.Status | None
    freshness: Any
    revision: Any
    tabs: list[Any] = field(default_factory=list)
    pickers: list[Any] = field(default_factory=list)
    search: list[Any] = field(default_factory=list)
    look: list[Any] = field(default_factory=list)

    def as_tuple(self) -> tuple[Any, ...]:
        status: tuple[Any, ...] = (no_update,) * 3
        if self.status is not None:
            status = (self.status.message, self.status.color, self.status.css_class)
        return (
            *self.figures,
            *self.parts,
            *self.tabs,
            *self.pickers,
            *self.search,
            *self.look,
            *status,
            self.freshness,
            self.revision,
        )


def source_cache_parts(
    slug: str, source: str, settings: str, choices: Mapping[str, str]
) -> tuple[Any, ...]:
    """The shared cache key (after the tenant's) of one panel source's answer: the page's
    polls and the push hub's look-ups read the same entry."""
    return ("panel", slug, source, settings, *sorted(choices.items()))


def panel_refresh_seconds(runtime: Runtime, view: PanelView, context: TenantContext) -> float:
    """The view's poll interval for this tenant (its setting, else the view's default)."""
    default = view.refresh_seconds or runtime.settings.refresh_seconds
    return tenant_refresh_seconds(context, default)


def source_seconds(
    runtime: Runtime, view: PanelView, context: TenantContext, source: Source
) -> float:
    """How long one answer of ``source`` is shared by every viewer (and the push hub).

    A picker's list is shared at most ``entity_refresh_seconds``. A pushed source's
    answer is shared only ``push_poll_seconds``: the hub looks at it that often and the
    pages it nudges pull the same entry, so what reaches the source is on screen within
    about a second, still at one query per interval whatever the number of viewers.
    """
    seconds = panel_refresh_seconds(runtime, view, context)
    if any(p.source is source for p in view.pickers):
        seconds = min(seconds, runtime.settings.entity_refresh_seconds)
    if any(s is source for s in view.pushed):
        seconds = min(seconds, runtime.settings.push_poll_seconds)
    return seconds


async def source_frame(
    runtime: Runtime,
    slug: str,
    view: PanelView,
    context: TenantContext,
    source: Source,
    choices: Mapping[str, str],
    now: datetime,
) -> Frame:
    """One source's answer for ``choices`` through the shared cache (the one way pages
    and the push hub read it); raises what the query raised."""
    request = SourceRequest(settings=context.settings, now=now, choices=choices)
    settings = json.dumps(context.settings, sort_keys=True, default=str)

    async def fetch() -> Frame:
        answer = await source.fetch(runtime, fiware_context(context), request)
        return value_frame(answer)

    parts = source_cache_parts(slug, source.name, settings, choices)
    ttl = source_seconds(runtime, view, context, source)
    return await runtime.cached(context, parts, ttl, fetch)


async def picker_options(
    runtime: Runtime,
    slug: str,
    view: PanelView,
    context: TenantContext,
    picker: Picker,
    now: datetime,
) -> list[str] | states.Status:
    """The values picker ``picker`` offers now, or why there are none."""
    try:
        listed = await source_frame(runtime, slug, view, context, picker.source, {}, now)
    except Exception as exc:
        return states.status_for_error(exc)
    return [str(value) for value in frame_value(listed) or ()]


class PanelController:
    """Answers a panel board's poll and its viewers' choices for any tenant."""

    def __init__(self, runtime: Runtime, slug: str, view: PanelView) -> None:
        self.runtime = runtime
        self.slug = slug
        self.view = view
        self._memo: Recent[Hashable, list[Rendering]] = Recent(256)

    async def update(
        self,
        context: TenantContext,
        shown: str | None,
        now: datetime | None = None,
        choices: Mapping[str, Any] | None = None,
        *,
        search: str | None = None,
        from_address: bool = False,
        changed: str | None = None,
        options: Mapping[str, Any] | None = None,
        look: Look | None = None,
    ) -> PanelOutcome:
        """The answer for a viewer showing revision ``shown`` (None: nothing yet) with its
        choices set to ``choices`` and its page at address ``search``.

        ``from_address``: the address just changed (page opened, reloaded, back/forward),
        so it decides the choices it names; otherwise the viewer's controls do.
        ``changed`` names the choice the viewer just made; ``options`` are the pickers'
        options the page holds (sent again only when they differ); ``look`` is the
        theme and palette the address keeps (by default, the theme it names).
        """
        now = now or datetime.now(UTC)
        sent = dict(choices or {})
        asked = read_address(search, self.view.in_address)[0]
        wanted = dict(sent)
        if from_address:
            for name in self.view.in_address:
                value = asked.choice(name)
                if value is not None:
                    wanted[name] = value
        pickers = await self._pick(context, now, wanted, sent, changed, options or {})
        sources = await self._fetch(context, now, wanted)
        zone = tenant_zone(context.timezone)
        vctx = ViewContext(
            theme=context.theme, zone=zone, settings=context.settings, now=now, choices=wanted
        )
        key = (*_view_key(context), json.dumps(wanted, sort_keys=True, default=str))
        current, kept = self._rendering(key, sources, vctx)
        older = next((r for r in kept if r.revision == shown), None)
        fresh = _freshness(current.last_time, now, zone)
        tabs = self._tabs(current, sent, resend=shown != current.revision, first=shown is None)
        look = look or Look(theme=asked.theme)
        search_out = self._address(asked, look, wanted, current, search, from_address)
        if shown == current.revision:
            outcome = self._unchanged(current.status, fresh)
        else:
            outcome = self._changed(current, older, shown is not None, vctx, fresh)
        outcome.tabs, outcome.pickers, outcome.search = tabs, pickers, search_out
        return outcome

    def _changed(
        self,
        current: Rendering,
        older: Rendering | None,
        has_data: bool,
        vctx: ViewContext,
        fresh: str,
    ) -> PanelOutcome:
        figures: list[Any] = []
        for slot in self.view.figures:
            if slot not in current.figures:
                blank = empty_figure(current.status.message, vctx).to_plotly_json()
                figures.append(no_update if has_data else blank)
            elif older is not None and slot in older.figures:
                figures.append(current.patch_from(older, slot))
            else:
                figures.append(current.figures[slot])
        parts: list[Any] = []
        for slot in self.view.parts:
            if slot in current.parts:
                parts.append(current.parts[slot])
            else:
                parts.append(no_update if has_data else current.status.message)
        return PanelOutcome(figures, parts, current.status, fresh, current.revision)

    def _unchanged(self, status: states.Status, fresh: str) -> PanelOutcome:
        figures = [no_update] * len(self.view.figures)
        parts = [no_update] * len(self.view.parts)
        return PanelOutcome(figures, parts, status, fresh, no_update)

    def _tabs(
        self, current: Rendering, sent: Mapping[str, Any], *, resend: bool, first: bool
    ) -> list[Any]:
        """Each tab set's tabs, active tab and content. The active tab is sent only when
        it is not the one the viewer is on: echoing it would undo a click made while this
        answer was worked out."""
        out: list[Any] = []
        for name in self.view.tabs:
            found = current.tabs.get(name)
            if found is None:
                out += [[] if first else no_update, no_update]
                out.append(current.status.message if first else no_update)
                continue
            active = found.chosen if found.chosen != sent.get(name) else no_update
            if resend:
                out += [found.tabs, active, found.content]
            else:
                out += [no_update, active, no_update]
        return out

    def _address(
        self,
        asked: Address,
        look: Look,
        wanted: Mapping[str, Any],
        current: Rendering,
        search: str | None,
        from_address: bool,
    ) -> list[Any]:
        """The address for the choices and look settled here ([] for views that keep
        neither). A new address that settled as it asked stays as typed, so the values it
        holds that were not understood stay named in the page's notice."""
        if not (self.view.in_address or self.view.theme_picker):
            return []
        settled = {name: wanted.get(name) for name in self.view.in_address}
        for name, found in current.tabs.items():
            if name in settled:
                settled[name] = found.chosen
        chosen = tuple((name, str(value)) for name, value in settled.items() if value)
        address = Address(theme=look.theme, palette=look.palette, embed=asked.embed, choices=chosen)
        written = write_address(address)
        if from_address:
            understood = Address(
                theme=look.theme, palette=look.palette, embed=asked.embed, choices=asked.choices
            )
            if written == write_address(understood):
                return [no_update]
        return [written if written != (search or "") else no_update]

    async def _pick(
        self,
        context: TenantContext,
        now: datetime,
        wanted: dict[str, Any],
        sent: Mapping[str, Any],
        changed: str | None,
        held: Mapping[str, Any],
    ) -> list[Any]:
        """Each picker's options, value, placeholder and note; settles ``wanted`` on an
        option the picker lists (the first while the wanted one is not there)."""
        out: list[Any] = []
        for picker in self.view.pickers:
            name = picker.name
            # One cheap list per tenant and interval: a link to an option created a
            # moment ago finds it, and new options reach the picker by themselves.
            found = await picker_options(self.runtime, self.slug, self.view, context, picker, now)
            if isinstance(found, states.Status):
                out += [no_update, no_update, no_update, found.message]
                continue
            options = [{"label": value, "value": value} for value in found]
            shown_options = options if options != held.get(name) else no_update
            want = wanted.get(name)
            if not found:
                wanted[name] = None
                value: Any = None if sent.get(name) is not None else no_update
                out += [shown_options, value, f"No {picker.noun} yet"]
                out.append("The list refreshes by itself.")
                continue
            chosen = want if want in found else found[0]
            wanted[name] = chosen
            if want is not None and want not in found:
                note: Any = _not_among(picker, want, chosen)
            else:
                note = "" if changed == name else no_update
            out += [shown_options, chosen if chosen != sent.get(name) else no_update]
            out += ["Choose…", note]
        return out

    async def _fetch(
        self, context: TenantContext, now: datetime, wanted: Mapping[str, Any]
    ) -> tuple[Frame | states.Status, ...]:
        async def one(source: Source) -> Frame | states.Status:
            chosen = {name: wanted.get(name) for name in source.choices}
            if not all(chosen.values()):
                return NOT_CHOSEN
            texts = {name: str(value) for name, value in chosen.items()}
            try:
                return await source_frame(
                    self.runtime, self.slug, self.view, context, source, texts, now
                )
            except Exception as exc:
                return states.status_for_error(exc)

        return tuple(await asyncio.gather(*(one(s) for s in self.view.sources)))

    def _rendering(
        self,
        key: Hashable,
        sources: tuple[Frame | states.Status, ...],
        vctx: ViewContext,
    ) -> tuple[Rendering, list[Rendering]]:
        """This interval's rendering (built once) and the renderings kept before it."""
        kept = self._memo.get(key) or []
        if kept and _same(kept[-1].sources, sources):
            return kept[-1], kept
        rendering = self._render(sources, vctx)
        kept = [*kept[-(_KEPT_RENDERINGS - 1) :], rendering]
        self._memo.put(key, kept)
        return rendering, kept

    def _render(self, sources: tuple[Frame | states.Status, ...], vctx: ViewContext) -> Rendering:
        data = {
            s.name: frame_value(value) if isinstance(value, Frame) else value
            for s, value in zip(self.view.sources, sources, strict=True)
        }
        panels: Panels = self.view.render(data, vctx)
        failures = [value for value in sources if isinstance(value, states.Status)]
        if panels.status is not None:
            status = panels.status
        elif failures:
            status = failures[0]
        elif panels.summary:
            status = states.Status("live", panels.summary)
        else:
            status = states.NO_DATA
        figures = {
            name: figure if isinstance(figure, dict) else figure.to_plotly_json()
            for name, figure in panels.figures.items()
        }
        for name, figure in figures.items():
            # Keeps each viewer's zoom and hidden legend entries across renderings.
            figure.setdefault("layout", {})["uirevision"] = name
        tabs = {
            name: _tab_set(found, vctx.choices.get(name))
            for name, found in panels.tabs.items()
            if name in self.view.tabs
        }
        revision = f"{os.getpid()}-{next(_revisions)}"
        return Rendering(revision, sources, figures, panels.parts, tabs, status, panels.last_time)


def _tab_set(tabs: Any, wanted: Any) -> TabSet:
    """The viewer's tab while it is among ``tabs``, else the first."""
    ids = [tab.id for tab in tabs]
    chosen = wanted if wanted in ids else (ids[0] if ids else None)
    content = next((tab.content for tab in tabs if tab.id == chosen), None)
    return TabSet([dbc.Tab(label=tab.label, tab_id=tab.id) for tab in tabs], chosen, content)


def _not_among(picker: Picker, wanted: str, shown: str) -> str:
    return f"{wanted} is not among this tenant's {picker.noun}; showing {shown}."


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether two intervals read the very same cached objects (no new data)."""
    return len(a) == len(b) and all(
        x is y or (isinstance(x, states.Status) and x == y) for x, y in zip(a, b, strict=True)
    )


def _view_key(context: TenantContext) -> tuple[str, ...]:
    settings = json.dumps(context.settings, sort_keys=True, default=str)
    return (
        context.board,
        context.fiware_service.lower(),
        context.service_path,
        context.theme,
        context.timezone,
        settings,
    )


def _freshness(last: datetime | None, now: datetime, zone: Any) -> str:
    """The footer's text; says nothing about points when there are none to show."""
    checked = now.astimezone(zone).strftime("%H:%M:%S")
    if last is None:
        return f"no data yet · checked {checked}"
    return f"{age_text(last, now)} · checked {checked}"
