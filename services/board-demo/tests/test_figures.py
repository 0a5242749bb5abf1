from __future__ import annotations

from datetime import date

from board_demo.figures import cycle_histogram, energy_scatter, output_trend, weekday_heatmap
from board_demo.samples import PLANTS, batches, daily_output


def test_sample_data_is_the_same_on_every_load():
    assert daily_output() == daily_output()
    assert batches() == batches()


def test_daily_output_covers_every_plant_and_day():
    data = daily_output(days=14, start=date(2026, 3, 2))
    assert data.days[0] == date(2026, 3, 2)
    assert len(data.days) == 14
    assert set(data.parts) == set(PLANTS)
    assert all(len(v) == 14 and min(v) >= 0 for v in data.parts.values())


def test_each_figure_has_data_and_follows_the_template():
    for make in (output_trend, energy_scatter, cycle_histogram, weekday_heatmap):
        fig = make("plotly_dark")
        assert fig.data, make.__name__
        assert fig.layout.template.layout.paper_bgcolor == "rgb(17,17,17)"


def test_trend_has_one_line_per_plant():
    fig = output_trend("plotly_white")
    assert [t.name for t in fig.data] == list(PLANTS)


def test_heatmap_means_match_the_data():
    data = daily_output(days=7, start=date(2026, 3, 2))
    fig = weekday_heatmap("plotly_white", data)
    (heat,) = fig.data
    assert heat.z[0][0] == data.parts[PLANTS[0]][0]
    assert f"{sum(sum(v) for v in data.parts.values()):,}" in fig.layout.title.text
