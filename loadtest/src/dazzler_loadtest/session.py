"""One viewer's board page, driven like dash-renderer drives it.

``BoardSession`` loads the page (index, ``_dash-layout``, ``_dash-dependencies``, the
initial callbacks in the renderer's order), then fires callbacks when an interval ticks or
the viewer changes a control. HTTP goes through a :class:`Transport`, so the same logic
runs under locust, in the open-model check and in tests.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from dazzler_loadtest.dash_model import Bound, Page, stringify_id

UPDATE_PATH = "_dash-update-component"
# A chain of callbacks longer than this is a loop in the board, not a page load.
MAX_CHAIN = 50
# Window choices that stop a live view (a custom range waits for typed dates); viewers
# changing the window pick among the others.
SKIPPED_CHOICES = frozenset({"custom"})


class RequestFailed(Exception):
    """A request got an error status, no answer, or an unreadable body."""


class Transport(Protocol):
    """How a session sends its requests; ``name`` groups them in the statistics."""

    def get(self, path: str, name: str) -> Any:
        """GET ``path`` (relative to the board's base); JSON paths return parsed JSON."""
        ...

    def post(self, path: str, body: dict[str, Any], name: str) -> Any:
        """POST JSON; return the parsed answer, or ``None`` for 204 (nothing to update)."""
        ...


@dataclass(slots=True)
class Ticker:
    """A ``dcc.Interval`` of the page and when this viewer's next tick is due."""

    key: str
    period: float
    due: float
    name: str = "poll"

    def advance(self, now: float) -> None:
        # Like setInterval: a tick missed while the viewer waited is skipped, not caught up.
        self.due += self.period
        if self.due < now:
            self.due = now + self.period


class BoardSession:
    """One open board page of one viewer."""

    def __init__(self, transport: Transport, *, index: bool = True) -> None:
        self.transport = transport
        self.index = index
        self.page: Page | None = None
        self.last_bytes = 0

    def load(self) -> Page:
        """Open the page: what the browser requests before the first figure shows."""
        if self.index:
            self.transport.get("", "page: index")
        layout = self.transport.get("_dash-layout", "page: _dash-layout")
        dependencies = self.transport.get("_dash-dependencies", "page: _dash-dependencies")
        self.page = Page.build(layout, dependencies)
        initial = [
            b
            for b in self.page.callbacks
            if not b.callback.clientside and not b.callback.prevent_initial_call
        ]
        self._run_chain({b.key: (b, []) for b in initial}, "initial callback")
        return self.page

    def tickers(self, now: float, rng: random.Random, *, slowest: float = 0.0) -> list[Ticker]:
        """The page's enabled intervals, each due at a random phase within its period.

        ``slowest`` stretches every period to at least that many seconds (a hidden tab,
        whose timers the browser throttles).
        """
        page = self._page()
        raw: list[tuple[float, str]] = []
        for key in page.of_type("Interval"):
            props = page.props[key]
            if props.get("disabled") or not page.triggered_by([f"{key}.n_intervals"]):
                continue
            raw.append((float(props.get("interval", 1000)) / 1000.0, key))
        found: list[Ticker] = []
        for period, key in sorted(raw):
            # The fastest interval is the live view itself; the rest are housekeeping.
            name = f"poll: {_label(page, key)}" if found else "poll"
            period = max(period, slowest)
            found.append(Ticker(key, period, now + rng.uniform(0.0, period), name))
        return found

    def tick(self, ticker: Ticker) -> None:
        """The interval fires: bump ``n_intervals`` and run what listens to it."""
        page = self._page()
        props = page.props[ticker.key]
        count = int(props.get("n_intervals") or 0) + 1
        limit = props.get("max_intervals", -1)
        if isinstance(limit, int) and 0 <= limit < count:
            return
        props["n_intervals"] = count
        self._fire([f"{ticker.key}.n_intervals"], ticker.name)

    def interactions(self) -> list[tuple[str, Callable[[random.Random], None]]]:
        """What a viewer can do on this page: pick another option, press a button."""
        page = self._page()
        found: list[tuple[str, Callable[[random.Random], None]]] = []
        for key in page.of_type("Dropdown"):
            if page.triggered_by([f"{key}.value"]) and len(_choices(page.props[key])) > 1:
                found.append((f"change {_label(page, key)}", self._chooser(key)))
        for key in page.of_type("Button"):
            if page.triggered_by([f"{key}.n_clicks"]):
                found.append((f"click {_label(page, key)}", self._clicker(key)))
        return found

    def _chooser(self, key: str) -> Callable[[random.Random], None]:
        def choose(rng: random.Random) -> None:
            page = self._page()
            props = page.props[key]
            current = props.get("value")
            held = current if isinstance(current, list) else [current]
            others = [c for c in _choices(props) if c not in held] or _choices(props)
            pick = rng.choice(others)
            props["value"] = [pick] if props.get("multi") else pick
            self._fire([f"{key}.value"], f"change {_label(page, key)}")

        return choose

    def _clicker(self, key: str) -> Callable[[random.Random], None]:
        def click(_rng: random.Random) -> None:
            page = self._page()
            props = page.props[key]
            props["n_clicks"] = int(props.get("n_clicks") or 0) + 1
            self._fire([f"{key}.n_clicks"], f"click {_label(page, key)}")

        return click

    def poll_body(self, ticker: Ticker) -> dict[str, Any]:
        """The body the next tick of ``ticker`` would POST (for open-model replays)."""
        page = self._page()
        changed = [f"{ticker.key}.n_intervals"]
        bound = page.triggered_by(changed)[0]
        return page.request_body(bound, changed)

    def _fire(self, changed: list[str], name: str) -> None:
        page = self._page()
        pending = {b.key: (b, list(changed)) for b in page.triggered_by(changed)}
        self._run_chain(pending, name)

    def _run_chain(self, pending: dict[Any, tuple[Bound, list[str]]], name: str) -> None:
        page = self._page()
        calls = 0
        while pending and calls < MAX_CHAIN:
            # The renderer holds back a callback while another pending one will still
            # change one of its inputs, so each runs once with final values.
            waiting = {f"{stringify_id(c)}.{p}" for b, _ in pending.values() for c, p in b.outputs}
            ready = [
                key
                for key, (bound, _) in pending.items()
                if not (set(bound.input_props()) & (waiting - _own_outputs(bound)))
            ] or [next(iter(pending))]
            for key in ready:
                bound, changed = pending.pop(key)
                calls += 1
                answer = self.transport.post(UPDATE_PATH, page.request_body(bound, changed), name)
                if answer is None:
                    continue
                for follower in page.triggered_by(updated := page.apply(answer)):
                    if follower.key == bound.key:
                        continue
                    ids = [p for p in updated if p in set(follower.input_props())]
                    queued = pending.get(follower.key)
                    pending[follower.key] = (follower, (queued[1] if queued else []) + ids)

    def _page(self) -> Page:
        if self.page is None:
            raise RuntimeError("the page is not loaded")
        return self.page


def _own_outputs(bound: Bound) -> set[str]:
    return {f"{stringify_id(c)}.{p}" for c, p in bound.outputs}


def _choices(props: dict[str, Any]) -> list[Any]:
    values = []
    for option in props.get("options") or []:
        value = option.get("value") if isinstance(option, dict) else option
        if value is not None and value not in SKIPPED_CHOICES:
            values.append(value)
    return values


def _label(page: Page, key: str) -> str:
    component = page.ids[key]
    if isinstance(component, dict):
        return str(component.get("type", key))
    return component
