from __future__ import annotations

from datetime import UTC, datetime, timedelta

from board_sleuth.figures import (
    bubble_size,
    defect_traces,
    item_figure,
    item_seen_before,
    latest_per_item,
    spec_value,
    tweezers_traces,
)
from boardkit import ViewContext, frame_from_series, merge_frames, tenant_zone

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
VIEW = ViewContext(theme="dark", zone=tenant_zone("UTC"))


def _items():
    rows = [
        ("urn:ngsi-ld:tweezers_measurement:a", 0, 0.2, True, "0.35"),
        ("urn:ngsi-ld:tweezers_measurement:b", 5, 0.7, False, "0.35"),
        ("urn:ngsi-ld:tweezers_measurement:a", 10, 0.5, False, "0.4"),
    ]
    return merge_frames(
        frame_from_series(
            entity,
            [T0 + timedelta(seconds=s)],
            {"conformance_indicator": [c], "okay": [ok], "spec": [spec]},
        )
        for entity, s, c, ok, spec in rows
    )


def test_latest_inspection_per_item_wins():
    latest = latest_per_item(_items())
    assert [(r["entity"].rsplit(":", 1)[-1], r["conformance_indicator"]) for r in latest] == [
        ("b", 0.7),
        ("a", 0.5),
    ]


def test_tweezers_traces_colour_scrap_and_draw_each_spec():
    traces = {t.key: t for t in tweezers_traces(_items(), VIEW)}
    assert traces["scrap"].columns["x"] == ["b", "a"]
    assert traces["conforming"].columns["x"] == []
    assert traces["spec"].columns["y"] == [0.35, 0.4]
    figure = item_figure(list(traces.values()), VIEW)
    assert list(figure.layout.xaxis.categoryarray) == ["b", "a"]
    assert figure.data[0].marker.color == "coral"
    assert figure.data[2].line.dash == "dash"


def test_reinspected_item_forces_a_redraw():
    frame = _items()
    assert item_seen_before(frame, frame.after(frame.times[1]))
    window = frame.tail(2)
    assert not item_seen_before(window, window.tail(1))


def test_spec_parsing():
    assert spec_value("0.35") == 0.35
    assert spec_value("1.5") is None
    assert spec_value(None) is None


def test_defect_bubbles_split_by_likelihood():
    cam = "urn:ngsi-ld:inspection_demo:1"
    times = [T0 + timedelta(seconds=i) for i in range(3)]
    frame = frame_from_series(cam, times, {"area": [0.1, 0.6, 0.45], "okay": [False, True, True]})
    traces = defect_traces(
        frame, ViewContext(theme="light", zone=tenant_zone("UTC"), entities=(cam,))
    )
    assert [t.key for t in traces] == [f"{cam}/defect", f"{cam}/fine"]
    assert traces[0].columns["y"] == [0.6, 0.45]
    assert traces[0].columns["marker.size"] == [bubble_size(0.6), bubble_size(0.45)]
    assert bubble_size(1.0) > bubble_size(0.1)
