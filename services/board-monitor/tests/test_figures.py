"""Spec → traces → figure, and spec → the board a request sees; no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from board_monitor.figures import build_figure, build_traces
from board_monitor.layout import monitor_board, resolve
from boardkit import ViewContext, frame_from_series, merge_frames
from tenant_context import MONITOR_SETTING, MonitorSpec, TenantContext

SPEC = MonitorSpec.model_validate(
    {
        "title": "Machine telemetry",
        "entity_type": "MachineTelemetry",
        "attributes": [
            {
                "name": "temperature",
                "label": "Temperature",
                "unit": "°C",
                "color": "#ff7f0e",
                "thresholds": [{"value": 75, "label": "hot", "color": "#d62728"}],
            },
            {
                "name": "power",
                "unit": "kW",
                "thresholds": [
                    {"value": 2, "label": "idle", "color": "#1f77b4"},
                    {"value": 18, "label": "overload", "color": "#9467bd"},
                ],
            },
        ],
    }
)
M1 = "urn:ngsi-ld:MachineTelemetry:machine1"
M2 = "urn:ngsi-ld:MachineTelemetry:machine2"
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def settings(spec: MonitorSpec) -> dict:
    return {MONITOR_SETTING: spec.stored()}


def view(spec: MonitorSpec = SPEC, entities: tuple[str, ...] = (M1,)) -> ViewContext:
    return ViewContext(
        theme="dark", zone=ZoneInfo("Europe/Rome"), settings=settings(spec), entities=entities
    )


def frame(*entities: str):
    times = [START + timedelta(seconds=i) for i in range(3)]
    return merge_frames(
        frame_from_series(e, times, {"temperature": [60.0, 76.5, 70.0], "power": [10, 11, 12]})
        for e in entities
    )


def with_chart(kind: str) -> MonitorSpec:
    return MonitorSpec.model_validate({**SPEC.stored(), "chart": kind})


def test_one_panel_per_attribute_with_labels_units_and_local_times():
    traces = build_traces(frame(M1), view())
    figure = build_figure(traces, view())

    assert [t.name for t in figure.data] == ["machine1 Temperature", "machine1 power"]
    assert [t.yaxis for t in figure.data] == ["y", "y2"]
    titles = [a.text for a in figure.layout.annotations if a.xref == "paper"]
    assert titles[:2] == ["Temperature (°C)", "power (kW)"]
    assert figure.layout.yaxis.title.text == "°C"
    # 08:00 UTC is 09:00 in Rome: the axis reads in the tenant's time.
    assert str(figure.data[0].x[0]).startswith("2026-03-01T09:00")
    assert list(figure.data[0].y) == [60.0, 76.5, 70.0]


def test_thresholds_are_dashed_lines_in_their_colours_on_their_panel():
    figure = build_figure(build_traces(frame(M1), view()), view())

    lines = [(s.y0, s.line.color, s.line.dash, s.yref) for s in figure.layout.shapes]
    assert lines == [
        (75, "#d62728", "dash", "y"),
        (2, "#1f77b4", "dash", "y2"),
        (18, "#9467bd", "dash", "y2"),
    ]
    labels = [a.text for a in figure.layout.annotations]
    assert "hot 75 °C" in labels
    assert "overload 18 kW" in labels


def test_thresholds_show_before_any_data_arrives():
    figure = build_figure([], view())

    assert len(figure.layout.shapes) == 3


@pytest.mark.parametrize(
    ("kind", "trace_type", "mode"),
    [("line", "scatter", "lines+markers"), ("scatter", "scatter", "markers"), ("bar", "bar", None)],
)
def test_chart_kind_decides_the_trace_type(kind, trace_type, mode):
    spec = with_chart(kind)

    figure = build_figure(build_traces(frame(M1), view(spec)), view(spec))

    assert {t.type for t in figure.data} == {trace_type}
    if mode is not None:
        assert {t.mode for t in figure.data} == {mode}


def test_one_entity_uses_the_spec_colours_several_get_one_colour_each():
    single = build_figure(build_traces(frame(M1), view()), view())
    both = build_figure(
        build_traces(frame(M1, M2), view(entities=(M1, M2))), view(entities=(M1, M2))
    )

    assert single.data[0].line.color == "#ff7f0e"
    colours = {t.name: t.line.color for t in both.data}
    assert colours["machine1 Temperature"] == colours["machine1 power"]
    assert colours["machine1 Temperature"] != colours["machine2 Temperature"]


def test_missing_attribute_values_become_gaps_not_errors():
    times = [START, START + timedelta(seconds=1)]
    partial = frame_from_series(M1, times, {"temperature": [60.0, 61.0]})

    figure = build_figure(build_traces(partial, view()), view())

    assert list(figure.data[1].y) == [None, None]


def context(settings_value: dict) -> TenantContext:
    return TenantContext(
        tenant="acme",
        display_name="ACME",
        fiware_service="acme",
        board="monitor",
        public_prefix="/dazzler/acme/-/machines/",
        settings=settings_value,
    )


def test_each_request_gets_the_board_its_spec_describes():
    renamed = MonitorSpec.model_validate({**SPEC.stored(), "title": "Hall 2", "chart": "bar"})

    first = resolve(context(settings(SPEC)))
    second = resolve(context(settings(renamed)))

    assert first.title == "Machine telemetry"
    assert second.title == "Hall 2"
    assert first.live is not None
    assert first.live.entity_type == "MachineTelemetry"
    assert first.live.attrs == ("temperature", "power")
    assert "°C" in first.explanation


def test_a_spec_the_board_cannot_read_gives_a_page_saying_so():
    board = resolve(context({MONITOR_SETTING: {"title": "x"}}))

    assert board.live is None
    assert "entity_type" in board.unavailable
    assert resolve(context({})).unavailable


def test_the_declared_board_is_live_for_the_validation_layout():
    declared = monitor_board()

    assert declared.slug == "monitor"
    assert declared.live is not None
    assert declared.for_context is not None


def test_navbar_marks_only_the_monitor_being_viewed():
    from boardkit.shell import navbar
    from tenant_context import BoardLink

    links = (
        BoardLink(slug="monitor", title="Coolant", href="/dazzler/acme/-/coolant/"),
        BoardLink(slug="monitor", title="Machines", href="/dazzler/acme/-/machines/"),
    )
    viewing = context(settings(SPEC)).model_copy(update={"boards": links})

    items = navbar(viewing).children.children[1].children

    assert [item.children.active for item in items] == [False, True]
