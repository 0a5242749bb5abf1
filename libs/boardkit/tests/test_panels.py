"""Panel views: one rendering per interval for every viewer, and each viewer gets only
what changed since the rendering it shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import plotly.graph_objects as go
import pytest
from boardkit import (
    BoardSettings,
    Frame,
    MemoryCache,
    Panels,
    PanelView,
    Runtime,
    Slots,
    Source,
    SourceData,
    ViewContext,
    frame_from_series,
)
from boardkit.panel_updates import PanelController
from boardkit.patches import figure_patch
from dash import Patch, html, no_update
from ngsi import NgsiConnectError
from tenant_context import TenantContext

INTERVAL = 5.0
START = 1_700_000_001.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class Readings:
    """A source whose data grows by one point per interval; it can be made to fail."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.down = False
        self.queries = 0

    async def fetch(self, *_args: object) -> Frame:
        self.queries += 1
        if self.down:
            raise NgsiConnectError("connection refused")
        count = int((self.clock.now - START) // INTERVAL) + 2
        base = datetime.fromtimestamp(START, UTC)
        times = [base + timedelta(seconds=INTERVAL * i) for i in range(count)]
        return frame_from_series("urn:w:1", times, {"v": [float(i) for i in range(count)]})


def _view(renders: list[int], fetch: Any) -> PanelView:
    def render(data: SourceData, view: ViewContext) -> Panels:
        renders.append(1)
        frame = data["readings"]
        if not isinstance(frame, Frame):
            return Panels()
        figure = go.Figure(go.Scatter(x=[t.isoformat() for t in frame.times], y=frame.column("v")))
        figure.update_layout(title={"text": "Readings"})
        return Panels(
            figures={"chart": figure},
            parts={"headline": f"{len(frame)} readings"},
            summary=f"1 worker · {len(frame)} readings",
            last_time=frame.last_time,
        )

    def layout(slots: Slots) -> html.Div:
        return html.Div([slots.part("headline"), slots.figure("chart")])

    return PanelView(
        sources=(Source("readings", fetch),),
        figures=("chart",),
        parts=("headline",),
        layout=layout,
        render=render,
    )


def _context() -> TenantContext:
    return TenantContext(
        tenant="acme",
        display_name="Acme",
        fiware_service="acme",
        board="fams",
        public_prefix="/dazzler/acme/-/fams/",
    )


@pytest.fixture
async def setup():
    clock = Clock()
    readings = Readings(clock)
    renders: list[int] = []
    runtime = Runtime(BoardSettings(shared_secret="panel-test-secret-0123456"))
    runtime.cache = MemoryCache(runtime.metrics, clock=clock)
    await runtime.start()
    view = _view(renders, readings.fetch)
    try:
        yield PanelController(runtime, "fams", view), clock, readings, renders
    finally:
        await runtime.stop()


async def test_first_view_gets_everything_then_nothing_until_new_data(setup) -> None:
    controller, _clock, readings, renders = setup
    first = await controller.update(_context(), None)
    assert first.figures[0]["data"][0]["y"] == [0.0, 1.0]
    assert first.parts == ["2 readings"]
    assert first.status is not None
    assert first.status.message == "1 worker · 2 readings"
    assert first.status.kind == "live"
    # Fifty viewers in the same interval: one query, one rendering, nothing re-sent.
    for _ in range(50):
        again = await controller.update(_context(), first.revision)
        assert again.figures == [no_update]
        assert again.parts == [no_update]
        assert again.revision is no_update
    assert readings.queries == 1
    assert len(renders) == 1


async def test_new_data_is_sent_as_a_patch_of_what_changed(setup) -> None:
    controller, clock, _readings, renders = setup
    first = await controller.update(_context(), None)
    clock.now += INTERVAL
    later = await controller.update(_context(), first.revision)
    patch = later.figures[0]
    assert isinstance(patch, Patch)
    changed = {tuple(op["location"]) for op in patch.to_plotly_json()["operations"]}
    # The points changed; the title, template and trace style were not sent again.
    assert changed == {("data", 0, "x"), ("data", 0, "y")}
    assert later.parts == ["3 readings"]
    # A viewer arriving now gets the full figure.
    newcomer = await controller.update(_context(), None)
    assert newcomer.figures[0]["data"][0]["y"] == [0.0, 1.0, 2.0]
    assert len(renders) == 2


async def test_an_outage_keeps_the_data_on_screen_and_says_so(setup) -> None:
    controller, clock, readings, _renders = setup
    first = await controller.update(_context(), None)
    readings.down = True
    clock.now += INTERVAL
    kept = await controller.update(_context(), first.revision)
    assert kept.figures == [no_update]
    assert kept.parts == [no_update]
    assert kept.status is not None
    assert kept.status.kind == "unavailable"
    # A viewer arriving during the outage is told why the figure is empty.
    newcomer = await controller.update(_context(), None)
    annotation = newcomer.figures[0]["layout"]["annotations"][0]["text"]
    assert annotation.startswith("Data source unavailable")
    assert newcomer.parts == [annotation]
    assert readings.queries == 2


async def test_the_footer_says_no_data_when_nothing_is_shown(setup) -> None:
    controller, _clock, readings, _renders = setup
    readings.down = True
    outcome = await controller.update(_context(), None)
    assert outcome.freshness.startswith("no data yet · checked ")


def test_a_trace_appearing_sends_the_whole_figure() -> None:
    one = go.Figure(go.Scatter(y=[1])).to_plotly_json()
    two = go.Figure([go.Scatter(y=[1]), go.Scatter(y=[2])]).to_plotly_json()
    assert figure_patch(one, two) is None
    bar = go.Figure(go.Bar(y=[1])).to_plotly_json()
    assert figure_patch(one, bar) is None


def test_slot_and_source_names_must_be_unique() -> None:
    view = _view([], Readings(Clock()).fetch)
    with pytest.raises(ValueError, match="slot names"):
        PanelView(view.sources, ("a",), ("a",), view.layout, view.render)
    with pytest.raises(ValueError, match="source names"):
        PanelView((*view.sources, *view.sources), ("a",), (), view.layout, view.render)


async def test_a_viewers_control_rerenders_for_that_viewer_only(setup) -> None:
    controller, _clock, readings, _renders = setup
    plain = controller.view

    def render(data: SourceData, view: ViewContext) -> Panels:
        frame = data["readings"]
        assert isinstance(frame, Frame)
        unit = view.choices.get("unit") or "readings"
        return Panels(parts={"headline": f"{len(frame)} {unit}"}, summary="live")

    view = PanelView(plain.sources, (), ("headline",), plain.layout, render, controls=("unit",))
    scaled = PanelController(controller.runtime, "fams", view)
    first = await scaled.update(_context(), None, choices={"unit": None})
    assert first.parts == ["2 readings"]
    picked = await scaled.update(_context(), first.revision, choices={"unit": "points"})
    assert picked.parts == ["2 points"]
    assert picked.revision != first.revision
    # Another viewer who left the control alone still has nothing new to receive, and the
    # tenant's source was queried once for both.
    other = await scaled.update(_context(), first.revision, choices={"unit": None})
    assert other.parts == [no_update]
    assert readings.queries == 1


def test_control_names_must_be_unique() -> None:
    view = _view([], Readings(Clock()).fetch)
    with pytest.raises(ValueError, match="control names"):
        PanelView(view.sources, (), (), view.layout, view.render, controls=("a", "a"))
