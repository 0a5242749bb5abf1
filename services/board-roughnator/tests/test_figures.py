from __future__ import annotations

from datetime import UTC, datetime, timedelta

from board_roughnator.figures import build_figure, build_traces, threshold
from boardkit import ViewContext, frame_from_series, merge_frames, tenant_zone

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
M1, M2 = "urn:ngsi-ld:RoughnessEstimate:1", "urn:ngsi-ld:RoughnessEstimate:2"


def _frame():
    times = [T0 + timedelta(seconds=5 * i) for i in range(3)]
    return merge_frames(
        [
            frame_from_series(
                M1, times, {"acceleration": [5.1, 5.2, 5.3], "roughness": [1.5, 1.6, 2.4]}
            ),
            frame_from_series(M2, times[:1], {"acceleration": [6.0], "roughness": [1.3]}),
        ]
    )


def _view(**settings):
    return ViewContext(
        theme="light", zone=tenant_zone("Europe/Rome"), settings=settings, entities=(M1, M2)
    )


def test_two_traces_per_machine_in_tenant_time():
    traces = build_traces(_frame(), _view())
    assert [t.key for t in traces] == [
        f"{M1}/acceleration",
        f"{M1}/roughness",
        f"{M2}/acceleration",
        f"{M2}/roughness",
    ]
    assert traces[1].columns["y"] == [1.5, 1.6, 2.4]
    assert traces[0].columns["x"][0] == "2026-05-04T10:00:00.000"


def test_figure_draws_the_threshold_from_board_settings():
    figure = build_figure(
        build_traces(_frame(), _view(roughness_threshold=1.8)), _view(roughness_threshold=1.8)
    )
    lines = [s for s in figure.layout.shapes if s.y0 == s.y1]
    assert [s.y0 for s in lines] == [1.8]
    assert len(figure.data) == 4
    # One colour per machine in both panels.
    assert figure.data[0].line.color == figure.data[1].line.color != figure.data[2].line.color


def test_threshold_defaults_and_ignores_garbage():
    assert threshold({}) == 2.0
    assert threshold({"roughness_threshold": "1.7"}) == 1.7
    assert threshold({"roughness_threshold": "high"}) is None


def test_the_legend_names_machines_and_what_is_measured():
    names = [t.name for t in build_traces(_frame(), _view())]
    assert names == [
        "Machine 1 · acceleration",
        "Machine 1 · roughness",
        "Machine 2 · acceleration",
        "Machine 2 · roughness",
    ]


def test_lines_stop_where_readings_are_missing():
    times = [T0 + timedelta(seconds=s) for s in (0, 5, 10, 300, 305)]
    frame = frame_from_series(
        M1, times, {"acceleration": [5.1, 5.2, 5.3, 5.4, 5.5], "roughness": [1, 2, 3, 4, 5]}
    )
    view = ViewContext(theme="light", zone=tenant_zone("UTC"), entities=(M1,))
    traces = build_traces(frame, view)
    assert traces[1].columns["y"] == [1, 2, 3, None, 4, 5]
    figure = build_figure(traces, view)
    assert figure.data[1].connectgaps is False
