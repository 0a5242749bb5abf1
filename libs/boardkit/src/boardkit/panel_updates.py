"""Panel views at run time: fetch every source through the shared cache, render once per
interval, and answer each viewer with what changed since the rendering it shows.

:meth:`PanelController.update` is the one place where new data for a board's sources
becomes what viewers receive: every viewer of one tenant's view in one interval gets the
same answer objects, worked out once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dash import Patch, no_update
from tenant_context import TenantContext

from boardkit import states
from boardkit.frames import Frame
from boardkit.panels import Panels, PanelView, SourceRequest
from boardkit.patches import figure_patch
from boardkit.runtime import Runtime, fiware_context
from boardkit.views import ViewContext, empty_figure
from boardkit.windows import age_text, tenant_zone

# Renderings kept per view so a viewer one or two intervals behind still gets patches.
_KEPT_RENDERINGS = 3
_revisions = itertools.count(1)


@dataclass(slots=True)
class Rendering:
    """One rendering of a view: its revision and plain-data figures and parts."""

    revision: str
    sources: tuple[Frame | states.Status, ...]
    figures: dict[str, dict[str, Any]]
    parts: Mapping[str, Any]
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
    """The panel callback's outputs, in registration order."""

    figures: list[Any]
    parts: list[Any]
    status: states.Status | None
    freshness: Any
    revision: Any

    def as_tuple(self) -> tuple[Any, ...]:
        status: tuple[Any, ...] = (no_update,) * 3
        if self.status is not None:
            status = (self.status.message, self.status.color, self.status.css_class)
        return (*self.figures, *self.parts, *status, self.freshness, self.revision)


class PanelController:
    """Answers a panel board's poll for any tenant."""

    def __init__(self, runtime: Runtime, slug: str, view: PanelView) -> None:
        self.runtime = runtime
        self.slug = slug
        self.view = view
        self._memo: OrderedDict[Hashable, list[Rendering]] = OrderedDict()
        self._max_views = 256

    async def update(
        self,
        context: TenantContext,
        shown: str | None,
        now: datetime | None = None,
        choices: Mapping[str, Any] | None = None,
    ) -> PanelOutcome:
        """The answer for a viewer showing revision ``shown`` (None: nothing yet) with its
        controls set to ``choices``."""
        now = now or datetime.now(UTC)
        choices = choices or {}
        sources = await self._fetch(context, now)
        zone = tenant_zone(context.timezone)
        vctx = ViewContext(
            theme=context.theme, zone=zone, settings=context.settings, now=now, choices=choices
        )
        key = (*_view_key(context), json.dumps(choices, sort_keys=True, default=str))
        current, kept = self._rendering(key, sources, vctx)
        older = next((r for r in kept if r.revision == shown), None)
        fresh = _freshness(current.last_time, now, zone)
        if shown == current.revision:
            return self._unchanged(current.status, fresh)
        has_data = shown is not None
        figures: list[Any] = []
        for slot in self.view.figures:
            if slot not in current.figures:
                keep = has_data
                blank = empty_figure(current.status.message, vctx).to_plotly_json()
                figures.append(no_update if keep else blank)
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

    async def _fetch(
        self, context: TenantContext, now: datetime
    ) -> tuple[Frame | states.Status, ...]:
        ttl = self.runtime.refresh_seconds(context)
        fiware = fiware_context(context)
        request = SourceRequest(settings=context.settings, now=now)
        settings = json.dumps(context.settings, sort_keys=True, default=str)

        async def one(index: int) -> Frame | states.Status:
            source = self.view.sources[index]

            async def fetch() -> Frame:
                return await source.fetch(self.runtime.ql, fiware, request)

            parts = ("panel", self.slug, source.name, settings)
            try:
                return await self.runtime.cached(context, parts, ttl, fetch)
            except Exception as exc:
                return states.status_for_error(exc)

        return tuple(await asyncio.gather(*(one(i) for i in range(len(self.view.sources)))))

    def _rendering(
        self,
        key: Hashable,
        sources: tuple[Frame | states.Status, ...],
        vctx: ViewContext,
    ) -> tuple[Rendering, list[Rendering]]:
        """This interval's rendering (built once) and the renderings kept before it."""
        kept = self._memo.get(key, [])
        if kept and _same(kept[-1].sources, sources):
            self._memo.move_to_end(key)
            return kept[-1], kept
        rendering = self._render(sources, vctx)
        kept = [*kept[-(_KEPT_RENDERINGS - 1) :], rendering]
        self._memo[key] = kept
        self._memo.move_to_end(key)
        while len(self._memo) > self._max_views:
            self._memo.popitem(last=False)
        return rendering, kept

    def _render(self, sources: tuple[Frame | states.Status, ...], vctx: ViewContext) -> Rendering:
        data = {s.name: value for s, value in zip(self.view.sources, sources, strict=True)}
        panels: Panels = self.view.render(data, vctx)
        failures = [value for value in sources if isinstance(value, states.Status)]
        if failures:
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
        revision = f"{os.getpid()}-{next(_revisions)}"
        return Rendering(revision, sources, figures, panels.parts, status, panels.last_time)


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
