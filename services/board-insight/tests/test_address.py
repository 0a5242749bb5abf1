from __future__ import annotations

from board_insight.address import Address, read_address, write_address
from board_insight.panels import kpi_tab_ids
from board_insight.recommendations import read_results


def test_address_round_trips_ids_with_colons_and_spaces():
    address = Address("urn:ngsi-ld:Insights:2", "Cycle time")
    search = write_address(address)
    assert search == "?insight=urn%3Angsi-ld%3AInsights%3A2&kpi=Cycle+time"
    assert read_address(search) == address


def test_empty_or_foreign_query_asks_for_nothing():
    assert read_address("") == Address()
    assert read_address(None) == Address()
    assert read_address("?theme=dark&x") == Address()
    assert write_address(Address()) == ""


def test_tab_ids_name_the_kpi_and_keep_repeated_names_apart():
    report = read_results(
        {
            "KPI_name": ["Throughput", "Scrap", "Throughput"],
            "features_names": [[], [], []],
            "features_values": [[], [], []],
            "KPI_best": ["1", "2", "3"],
        }
    )
    assert kpi_tab_ids(report.recommendations) == ["Throughput", "Scrap", "Throughput#2"]
