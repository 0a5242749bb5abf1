"""A page's look: its one address, palettes a board offers and the kit's theme picker."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from boardkit import Board, BoardSettings, Palette, Panels, PanelView, create_board_app
from boardkit.address import Address, read_address
from boardkit.guard import MalformedCallback
from boardkit.look import Look, picked_look
from boardkit.palettes import palette_css
from dash import dcc, no_update
from tenant_context import TenantContext, sign_context

SECRET = "look-test-secret-0123456789"
EMBER = Palette("ember", "Ember", {"primary": "#d9480f", "light": "#fff4e6"}, radius="1rem")
PALETTES = (Palette("plain", "Plain"), EMBER)


def _panel_board(slug: str = "panel", *, picker: bool = True) -> Board:
    view = PanelView(
        sources=(),
        figures=(),
        parts=("echo",),
        layout=lambda slots: slots.wide(slots.theme_picker() if picker else slots.part("echo")),
        render=lambda _data, view: Panels(parts={"echo": view.theme}, summary="x"),
        theme_picker=picker,
    )
    return Board(slug, "Panel", "", panels=view, palettes=PALETTES)


def _locations(node: Any) -> list[dict[str, Any]]:
    """The ids of every dcc.Location under ``node``."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dcc.Location):
        found.append(node.id)
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            found += _locations(child)
    return found


def test_every_page_has_one_address_named_for_its_view(
    live_board: Callable[..., Board],
) -> None:
    unavailable = Board("gone", "Gone", "", unavailable="Not here.")
    settings = BoardSettings(shared_secret=SECRET)
    app = create_board_app(settings, [live_board(), _panel_board(), unavailable], service="t")
    pages = app.dash.validation_layout.children
    assert [_locations(page) for page in pages] == [
        [{"type": "bk-address", "board": "live", "view": "live"}],
        [{"type": "bk-address", "board": "panel", "view": "panel"}],
        [{"type": "bk-address", "board": "gone", "view": "plain"}],
    ]


async def test_a_board_page_carries_its_palettes_and_others_none(
    live_board: Callable[..., Board],
) -> None:
    settings = BoardSettings(shared_secret=SECRET, ql_url="http://127.0.0.1:9")
    app = create_board_app(settings, [live_board(), _panel_board()], service="t")
    transport = httpx.ASGITransport(app=app)
    pages: dict[str, str] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://board") as client:
        for slug in ("panel", "live"):
            context = TenantContext(
                tenant="acme",
                display_name="Acme",
                fiware_service="acme",
                board=slug,
                public_prefix="/",
            )
            headers = sign_context(context, SECRET, method="GET", service="t")
            pages[slug] = (await client.get("/", headers=headers)).text
    style = re.search(r"<style>(.*?)</style>", pages["panel"], re.DOTALL)
    assert style is not None
    assert style.group(1) == palette_css(EMBER)
    assert "<style>" not in pages["live"]


def test_a_palette_applies_only_under_its_attribute() -> None:
    css = palette_css(EMBER)
    assert '[data-bs-theme][data-bk-palette="ember"]{--bs-primary:#d9480f;' in css
    assert '[data-bk-palette="ember"] .btn-primary{--bs-btn-color:#fff;--bs-btn-bg:#d9480f;' in css
    assert '[data-bk-palette="ember"] .btn-light{--bs-btn-color:#000;' in css
    assert '[data-bk-palette="ember"] .btn{--bs-btn-border-radius:1rem}' in css
    assert all(rule.startswith("[data-") for rule in css.splitlines())
    assert css.count("{") == css.count("}")
    assert palette_css(Palette("plain", "Plain")) == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "Ember Red"}, "slug"),
        ({"label": " "}, "label"),
        ({"colours": {"accent": "#000000"}}, "unknown colours"),
        ({"colours": {"primary": "red"}}, "#rrggbb"),
        ({"font": "x}</style><script>"}, "font list"),
        ({"radius": "1rem;color:red"}, "length"),
    ],
)
def test_a_palette_that_cannot_be_written_safely_is_refused(
    change: dict[str, Any], message: str
) -> None:
    fields: dict[str, Any] = {"slug": "p", "label": "P", **change}
    with pytest.raises(ValueError, match=message):
        Palette(**fields)


def test_palette_slugs_of_a_board_are_unique() -> None:
    view = _panel_board().panels
    with pytest.raises(ValueError, match="unique"):
        Board("b", "B", "", panels=view, palettes=(EMBER, EMBER))


def test_the_address_names_a_palette_only_where_the_board_offers_it() -> None:
    slugs = [p.slug for p in PALETTES]
    assert read_address("?palette=ember", palettes=slugs) == (Address(palette="ember"), [])
    assert read_address("?palette=neon", palettes=slugs)[1] == [
        "unknown colour palette 'neon' in the address"
    ]
    assert read_address("?palette=ember")[1] == ["ignored in the address: palette"]


def test_the_address_sets_the_theme_picker_when_it_changes() -> None:
    asked = Address(theme="dark", palette="ember")
    settled = picked_look(asked, "light", PALETTES, ["light", "plain"], from_address=True)
    assert settled.kept == Look("dark", "ember")
    assert settled.theme == "dark"
    assert settled.outputs == ("dark", "ember")
    # Back to an address without them: the page's own theme and first palette again.
    again = picked_look(Address(), "light", PALETTES, ["dark", "ember"], from_address=True)
    assert (again.kept, again.theme, again.outputs) == (Look(), "light", ("light", "plain"))


def test_the_theme_picker_writes_the_address_only_what_differs_from_the_default() -> None:
    untouched = picked_look(Address(), "light", PALETTES, ["light", "plain"], from_address=False)
    assert untouched.kept == Look()
    assert untouched.outputs == (no_update, no_update)
    dark = picked_look(Address(), "light", PALETTES, ["dark", "ember"], from_address=False)
    assert (dark.kept, dark.theme) == (Look("dark", "ember"), "dark")
    # Once the address names them, a choice back to the default stays named.
    back = picked_look(
        Address(theme="dark", palette="ember"),
        "light",
        PALETTES,
        ["light", "plain"],
        from_address=False,
    )
    assert back.kept == Look("light", "plain")


@pytest.mark.parametrize("picked", [["neon", "plain"], ["light", "neon"], [3, "plain"]])
def test_a_theme_picker_value_it_does_not_offer_is_refused(picked: list[Any]) -> None:
    with pytest.raises(MalformedCallback):
        picked_look(Address(), "light", PALETTES, picked, from_address=False)
