"""The board's state in its address: what a shared link opens, and what a bad one shows."""

from __future__ import annotations

import pytest
from boardkit.address import Address, address_notice, read_address, themed, write_address
from tenant_context import TenantContext


def test_a_written_address_reads_back_as_the_same_view() -> None:
    shown = Address(
        entities=("urn:ngsi-ld:Machine:1", "urn:ngsi-ld:Machine:2"),
        window="custom",
        start="2026-11-30T08:00",
        end="2026-11-30T09:30",
        theme="dark",
        embed=True,
    )
    assert read_address(write_address(shown)) == (shown, [])


def test_last_n_keeps_its_count_and_other_windows_drop_it() -> None:
    assert read_address(write_address(Address(window="last_n", last_n=250)))[0].last_n == 250
    assert "n=" not in write_address(Address(window="1h", last_n=250))
    assert write_address(Address()) == ""


@pytest.mark.parametrize(
    ("search", "field", "notice"),
    [
        ("?window=2y", "window", "unknown time window '2y'"),
        ("?n=0", "last_n", "'0' is not a number of points"),
        ("?n=12.5", "last_n", "'12.5' is not a number of points"),
        ("?n=999999", "last_n", "'999999' is not a number of points"),
        ("?n=%C2%B2", "last_n", "'²' is not a number of points"),
        ("?theme=neon", "theme", "unknown theme 'neon'"),
    ],
)
def test_a_bad_value_falls_back_to_the_default_with_a_notice(
    search: str, field: str, notice: str
) -> None:
    address, notices = read_address(search)
    assert getattr(address, field) is None
    assert len(notices) == 1
    assert notice in notices[0]


def test_a_bad_range_shows_the_default_window_and_keeps_the_rest() -> None:
    address, notices = read_address(
        "?entity=urn:ngsi-ld:Machine:1&window=custom&from=yesterday&to=2026-11-30T09:00"
    )
    assert address == Address(entities=("urn:ngsi-ld:Machine:1",))
    assert notices == ["the range start 'yesterday' is not a date and time"]


def test_an_unfinished_range_is_kept() -> None:
    address, notices = read_address("?window=custom&from=2026-11-30T08:00&to=")
    assert (address.window, address.start, address.end, notices) == (
        "custom",
        "2026-11-30T08:00",
        "",
        [],
    )


def test_unknown_parameters_and_bad_embed_are_named() -> None:
    address, notices = read_address("?embed=yes&colour=red&utm_source=mail")
    assert address.embed is False
    assert notices == [
        "embed='yes' in the address is neither 0 nor 1",
        "ignored in the address: colour, utm_source",
    ]


def test_no_address_asks_for_the_defaults() -> None:
    assert read_address(None) == (Address(), [])
    assert read_address("?") == (Address(), [])


def test_the_address_theme_overrides_the_tenant_theme_and_a_bad_one_does_not() -> None:
    tenant = TenantContext(
        tenant="t",
        display_name="T",
        fiware_service="t",
        board="b",
        public_prefix="/",
        theme="light",
    )
    assert themed(tenant, "?theme=dark").theme == "dark"
    assert themed(tenant, "?theme=pink").theme == "light"
    assert themed(tenant, None) is tenant


def test_the_notice_names_every_value_not_understood_and_is_empty_without_any() -> None:
    notices = read_address("?theme=pink&embed=yes")[1]
    notice = address_notice(notices)
    assert notice.startswith("Not understood in the address, so the default is shown: ")
    assert "'pink'" in notice
    assert "'yes'" in notice
    assert address_notice([]) == ""
