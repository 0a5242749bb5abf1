"""Panel views' choices: pickers whose options a source lists, sources that depend on a
viewer's choice, tab sets, and the choices a view keeps in the page address."""

from __future__ import annotations

from typing import Any

import pytest
from boardkit import (
    NOT_CHOSEN,
    BoardSettings,
    MemoryCache,
    Panels,
    PanelView,
    Picker,
    Runtime,
    Slots,
    Source,
    SourceData,
    SourceRequest,
    Status,
    Tab,
    ViewContext,
)
from boardkit.address import Address, read_address, write_address
from boardkit.frames import Frame
from boardkit.panel_updates import PanelController, panel_refresh_seconds
from boardkit.source_values import frame_value, value_frame
from dash import html, no_update
from ngsi import NgsiConnectError
from tenant_context import TenantContext

START = 1_700_000_001.0


class Machines:
    """The tenant's machines (the picker's options) and each machine's sensors."""

    def __init__(self) -> None:
        self.ids = ["m1", "m2"]
        self.sensors = {"m1": ["speed", "heat"], "m2": ["power"]}
        self.down = False
        self.asked: list[dict[str, str]] = []

    async def list_ids(self, *_args: object) -> Any:
        if self.down:
            raise NgsiConnectError("connection refused")
        return list(self.ids)

    async def sensors_of(self, _clients: object, _fiware: object, request: SourceRequest) -> Any:
        self.asked.append(dict(request.choices))
        return {"sensors": self.sensors.get(request.choices["machine"], [])}


def _render(data: SourceData, view: ViewContext) -> Panels:
    value = data["sensors"]
    if isinstance(value, Status):
        return Panels(tabs={"sensor": ()}, status=value)
    tabs = [
        Tab(name, name.title(), f"{view.choices['machine']}:{name}") for name in value["sensors"]
    ]
    return Panels(tabs={"sensor": tabs}, summary=f"{len(tabs)} sensors")


def _view(machines: Machines, **extra: Any) -> PanelView:
    def layout(slots: Slots) -> html.Div:
        return html.Div([slots.picker("machine"), slots.tabs("sensor")])

    settings: dict[str, Any] = {
        "sources": (Source("sensors", machines.sensors_of, choices=("machine",)),),
        "figures": (),
        "parts": (),
        "layout": layout,
        "render": _render,
        "pickers": (
            Picker("machine", Source("machines", machines.list_ids), "Machine", "machines"),
        ),
        "tabs": ("sensor",),
        "in_address": ("machine", "sensor"),
    }
    return PanelView(**{**settings, **extra})


def _context(**settings: Any) -> TenantContext:
    return TenantContext(
        tenant="acme",
        display_name="Acme",
        fiware_service="acme",
        board="machines",
        public_prefix="/dazzler/acme/-/machines/",
        settings=settings,
    )


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def setup():
    clock = Clock()
    machines = Machines()
    runtime = Runtime(BoardSettings(shared_secret="panel-test-secret-0123456"))
    runtime.cache = MemoryCache(runtime.metrics, clock=clock)
    await runtime.start()
    try:
        yield PanelController(runtime, "machines", _view(machines)), machines, clock
    finally:
        await runtime.stop()


def _picker(outcome: Any) -> dict[str, Any]:
    return dict(zip(("options", "value", "placeholder", "note"), outcome.pickers, strict=True))


def _tabs(outcome: Any) -> dict[str, Any]:
    return dict(zip(("tabs", "active", "content"), outcome.tabs, strict=True))


EMPTY = {"machine": None, "sensor": None}


async def test_a_new_viewer_gets_the_first_option_its_tabs_and_the_address(setup) -> None:
    controller, machines, _clock = setup
    first = await controller.update(_context(), None, choices=EMPTY, search="", from_address=True)
    picker = _picker(first)
    assert picker["options"] == [{"label": "m1", "value": "m1"}, {"label": "m2", "value": "m2"}]
    assert picker["value"] == "m1"
    assert picker["placeholder"] == "Choose…"
    tabs = _tabs(first)
    assert [tab.label for tab in tabs["tabs"]] == ["Speed", "Heat"]
    assert tabs["active"] == "speed"
    # Only the chosen tab's content is sent.
    assert tabs["content"] == "m1:speed"
    assert first.search == ["?machine=m1&sensor=speed"]
    assert first.status is not None
    assert first.status.message == "2 sensors"
    # The source saw only the choice it names.
    assert machines.asked == [{"machine": "m1"}]


async def test_a_copied_address_opens_the_same_choice_and_tab(setup) -> None:
    controller, _machines, _clock = setup
    search = "?machine=m1&sensor=heat"
    opened = await controller.update(
        _context(), None, choices=EMPTY, search=search, from_address=True
    )
    assert _picker(opened)["value"] == "m1"
    assert _picker(opened)["note"] is no_update
    assert _tabs(opened)["active"] == "heat"
    assert _tabs(opened)["content"] == "m1:heat"
    # The address already says so: it is not pushed again.
    assert opened.search == [no_update]


async def test_an_option_not_there_falls_back_to_the_first_with_a_note(setup) -> None:
    controller, _machines, _clock = setup
    search = "?machine=m9&sensor=nope"
    opened = await controller.update(
        _context(), None, choices=EMPTY, search=search, from_address=True
    )
    picker = _picker(opened)
    assert picker["value"] == "m1"
    assert picker["note"] == "m9 is not among this tenant's machines; showing m1."
    # An unknown tab falls back to the first, without a note.
    assert _tabs(opened)["active"] == "speed"
    assert opened.search == ["?machine=m1&sensor=speed"]


async def test_a_viewers_pick_keeps_a_tab_the_new_choice_has_and_clears_the_note(setup) -> None:
    controller, machines, _clock = setup
    machines.sensors["m2"] = ["power", "heat"]
    first = await controller.update(_context(), None, choices=EMPTY, from_address=True)
    picked = await controller.update(
        _context(),
        first.revision,
        choices={"machine": "m2", "sensor": "heat"},
        search="?machine=m1&sensor=heat",
        changed="machine",
        options={"machine": _picker(first)["options"]},
    )
    picker = _picker(picked)
    # What the page already holds is not sent again.
    assert picker["options"] is no_update
    assert picker["value"] is no_update
    assert picker["note"] == ""
    assert _tabs(picked)["active"] is no_update
    assert _tabs(picked)["content"] == "m2:heat"
    assert picked.search == ["?machine=m2&sensor=heat"]
    # A tab the new choice does not have gives way to its first tab.
    other = await controller.update(
        _context(), picked.revision, choices={"machine": "m1", "sensor": "power"}
    )
    assert _tabs(other)["active"] == "speed"


async def test_new_options_appear_without_changing_the_choice(setup) -> None:
    controller, machines, clock = setup
    first = await controller.update(_context(), None, choices=EMPTY, from_address=True)
    choices = {"machine": "m2", "sensor": "power"}
    shown = await controller.update(_context(), first.revision, choices=choices)
    machines.ids = ["m0", "m1", "m2"]
    clock.now += BoardSettings(shared_secret="x" * 24).entity_refresh_seconds
    later = await controller.update(
        _context(),
        shown.revision,
        choices=choices,
        options={"machine": _picker(first)["options"]},
    )
    assert [o["value"] for o in _picker(later)["options"]] == ["m0", "m1", "m2"]
    assert _picker(later)["value"] is no_update
    assert _tabs(later)["active"] is no_update


async def test_viewers_with_the_same_choice_share_one_query(setup) -> None:
    controller, machines, _clock = setup
    for _ in range(20):
        await controller.update(_context(), None, choices={"machine": "m2", "sensor": None})
    await controller.update(_context(), None, choices={"machine": "m1", "sensor": None})
    assert machines.asked == [{"machine": "m2"}, {"machine": "m1"}]


async def test_no_options_yet_says_so_and_the_dependent_source_is_not_queried(setup) -> None:
    controller, machines, _clock = setup
    machines.ids = []
    outcome = await controller.update(_context(), None, choices=EMPTY, from_address=True)
    picker = _picker(outcome)
    assert picker["options"] == []
    assert picker["placeholder"] == "No machines yet"
    assert picker["note"] == "The list refreshes by itself."
    assert machines.asked == []
    assert outcome.status == NOT_CHOSEN
    assert outcome.search == [no_update]


async def test_a_failed_option_list_is_said_under_the_picker(setup) -> None:
    controller, machines, _clock = setup
    machines.down = True
    outcome = await controller.update(_context(), None, choices={"machine": "m1", "sensor": None})
    picker = _picker(outcome)
    assert picker["options"] is no_update
    assert picker["value"] is no_update
    assert picker["note"].startswith("Data source unavailable")
    # The viewer's choice still shows its data.
    assert _tabs(outcome)["content"] == "m1:speed"


async def test_a_status_from_render_is_what_the_status_line_says(setup) -> None:
    controller, machines, _clock = setup
    machines.sensors["m1"] = []

    def render(data: SourceData, view: ViewContext) -> Panels:
        panels = _render(data, view)
        empty = Status("empty", "This machine has no sensors.")
        return Panels(tabs=panels.tabs, status=None if panels.tabs["sensor"] else empty)

    view = _view(machines, render=render)
    own = PanelController(controller.runtime, "machines", view)
    outcome = await own.update(_context(), None, choices=EMPTY, from_address=True)
    assert outcome.status == Status("empty", "This machine has no sensors.")
    assert _tabs(outcome)["tabs"] == []
    assert outcome.search == ["?machine=m1"]


def test_the_poll_interval_is_the_tenants_then_the_views_then_the_services() -> None:
    machines = Machines()
    runtime = Runtime(BoardSettings(shared_secret="panel-test-secret-0123456"))
    own = _view(machines, refresh_seconds=30.0)
    assert panel_refresh_seconds(runtime, own, _context()) == 30.0
    assert panel_refresh_seconds(runtime, own, _context(refresh_seconds=2)) == 2.0
    plain = _view(machines)
    assert panel_refresh_seconds(runtime, plain, _context()) == runtime.settings.refresh_seconds


def test_declarations_name_only_choices_the_view_has() -> None:
    machines = Machines()
    with pytest.raises(ValueError, match="unknown choices"):
        _view(machines, sources=(Source("s", machines.sensors_of, choices=("colour",)),))
    picker = Picker("machine", Source("m", machines.list_ids, choices=("sensor",)), "M", "ms")
    with pytest.raises(ValueError, match="same for every viewer"):
        _view(machines, pickers=(picker,))
    with pytest.raises(ValueError, match="in_address"):
        _view(machines, in_address=("colour",))
    with pytest.raises(ValueError, match="choice names"):
        _view(machines, controls=("machine",))
    with pytest.raises(ValueError, match="slot names"):
        _view(machines, parts=("sensor",))


def test_choices_in_the_address_round_trip_with_colons_and_spaces() -> None:
    shown = Address(choices=(("insight", "urn:ngsi-ld:Insights:2"), ("kpi", "Cycle time")))
    search = write_address(shown)
    assert search == "?insight=urn%3Angsi-ld%3AInsights%3A2&kpi=Cycle+time"
    assert read_address(search, ("insight", "kpi")) == (shown, [])
    assert shown.choice("kpi") == "Cycle time"
    assert shown.choice("other") is None


def test_an_empty_choice_in_the_address_is_no_choice_and_others_are_named() -> None:
    asked, notices = read_address("?insight=&kpi=Scrap&x=1", ("insight", "kpi"))
    assert asked.choices == (("kpi", "Scrap"),)
    assert notices == ["ignored in the address: x"]


@pytest.mark.parametrize(
    "value", [None, "text", 3.5, ["a", "b"], {"Results": {"KPI_name": ["x"]}, "at": None}]
)
def test_a_plain_source_value_survives_the_shared_cache(value: Any) -> None:
    stored = value_frame(value)
    assert frame_value(stored) == value
    # The Redis cache hands back what JSON reads.
    assert frame_value(Frame.from_json(stored.to_json())) == value


def test_a_frame_is_cached_as_it_is(make_frame: Any) -> None:
    frame = make_frame("m1", [1.0, 2.0])
    assert value_frame(frame) is frame
    assert frame_value(frame) is frame


def _ids_in(component: Any) -> dict[str, Any]:
    """Every dict-id component of a page by its type, with its props."""
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if hasattr(node, "to_plotly_json"):
            node = node.to_plotly_json()
        if isinstance(node, dict):
            props = node.get("props", {})
            if isinstance(props.get("id"), dict):
                name = props["id"].get("control")
                found[props["id"]["type"] + (f":{name}" if name else "")] = props
            for value in props.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(component)
    return found


def test_a_page_with_a_picker_refreshes_its_options_at_the_entity_pace() -> None:
    from boardkit import Board
    from boardkit.panel_page import panel_page_body

    machines = Machines()
    runtime = Runtime(BoardSettings(shared_secret="panel-test-secret-0123456"))
    board = Board("machines", "Machines", "", panels=_view(machines))
    page = _ids_in(panel_page_body(_context(refresh_seconds=600), board, runtime))
    assert page["bk-options-poll"]["interval"] == runtime.settings.entity_refresh_seconds * 1000
    assert page["bk-panel-poll"]["interval"] == 600_000
    assert page["bk-control:machine"]["placeholder"] == "Loading machines…"
    # A view without pickers polls no options.
    view = _view(machines, sources=(), pickers=(), in_address=(), layout=lambda s: s.tabs("sensor"))
    plain = Board("plain", "Plain", "", panels=view)
    bare = _ids_in(panel_page_body(_context(), plain, runtime))
    assert "bk-options-poll" not in bare


async def test_a_link_to_an_option_made_since_the_last_poll_finds_it(setup) -> None:
    controller, machines, clock = setup
    await controller.update(_context(), None, choices=EMPTY, from_address=True)
    machines.ids.append("m3")
    clock.now += controller.runtime.settings.refresh_seconds
    opened = await controller.update(
        _context(), None, choices=EMPTY, search="?machine=m3", from_address=True
    )
    assert _picker(opened)["value"] == "m3"
    assert _picker(opened)["note"] is no_update
