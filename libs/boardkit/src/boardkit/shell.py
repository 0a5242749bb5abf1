"""The page around every board: navbar, title, explanation, footer, its one address and
the look the address asks for (theme, palette, embed)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Dash, Input, Output, dcc, html
from dash.development.base_component import Component
from tenant_context import TenantContext

from boardkit import ids
from boardkit.boards import Board


def navbar(context: TenantContext) -> Component:
    """The tenant's name and links to its other boards (the current one marked active)."""
    links = [
        dbc.NavItem(
            dbc.NavLink(
                link.title,
                href=link.href,
                # By address: one service's slug may be mounted several times (monitors).
                active=link.href == context.public_prefix,
                external_link=True,
                className="px-2 text-nowrap",
            )
        )
        for link in context.boards
    ]
    navigation: Component = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(context.display_name, className="fw-semibold"),
                # One row at desktop widths: a tenant with many boards scrolls the links
                # sideways instead of pushing the page down by a second row.
                dbc.Nav(
                    links,
                    navbar=True,
                    className="flex-row flex-nowrap overflow-x-auto small bk-nav",
                ),
            ],
            fluid=True,
        ),
        id=ids.chrome(context.board, "nav"),
        color="body-tertiary",
        dark=context.theme == "dark",
        className="mb-3 border-bottom",
    )
    return navigation


def explanation_card(board: Board) -> Component:
    """What the board shows and how to read it."""
    card: Component = dbc.Card(
        dbc.CardBody(
            [html.H2("About this board", className="h6"), dcc.Markdown(board.explanation)]
        ),
        className="mb-3 small",
    )
    return card


def footer(context: TenantContext) -> Component:
    """Data freshness on the left, where the times are shown in on the right."""
    return html.Footer(
        dbc.Container(
            html.Div(
                [
                    html.Span("", id=ids.freshness(context.board)),
                    html.Span(
                        f"Times in {context.timezone} · service path {context.service_path}",
                        className="text-body-secondary",
                    ),
                ],
                className="d-flex justify-content-between small py-2",
            ),
            fluid=True,
        ),
        id=ids.chrome(context.board, "footer"),
        className="mt-auto border-top",
    )


def page(
    context: TenantContext,
    board: Board,
    body: Component,
    side: list[Component],
    view: str = ids.PLAIN,
) -> Component:
    """The whole page: ``side`` (controls) above the explanation on the left, ``body``
    on the right. ``view`` (ids.LIVE, PANEL or PLAIN) names the page's address for the
    callbacks of its kind."""
    look: dict[str, Any] = {
        "data-bs-theme": context.theme,
        # What the address falls back to (back/forward to an address without theme).
        "data-bk-theme-default": context.theme,
    }
    if board.palettes:
        look["data-bk-palette"] = board.palettes[0].slug
        look["data-bk-palettes"] = " ".join(board.palette_slugs)
    return html.Div(
        [
            # The page's one address: the view's callbacks read and write its query string,
            # register_chrome applies its theme, palette and embed mode.
            dcc.Location(id=ids.address(context.board, view), refresh=False),
            navbar(context),
            dbc.Container(
                [
                    html.H1(
                        board.title, id=ids.chrome(context.board, "title"), className="h3 mb-3"
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                [*side, explanation_card(board)], md=4, lg=3, className="bk-side"
                            ),
                            dbc.Col(body, md=8, lg=9, className="bk-main"),
                        ],
                        className="bk-page-row",
                    ),
                ],
                fluid=True,
                className="flex-grow-1",
            ),
            footer(context),
        ],
        className="bg-body text-body min-vh-100 d-flex flex-column",
        **look,
    )


def register_chrome(app: Dash) -> None:
    """Apply the address's ``theme``, ``palette`` and ``embed=1`` to every board's page, in
    the browser (Dash fetches the layout without the query string, so the server cannot).
    An address without them brings back the page's own (back/forward)."""
    app.clientside_callback(  # type: ignore[no-untyped-call]
        """function(searches) {
            var query = new URLSearchParams((searches && searches[0]) || '');
            var page = document.querySelector('[data-bk-theme-default]');
            var theme = query.get('theme');
            if (theme !== 'light' && theme !== 'dark') {
                theme = page && page.getAttribute('data-bk-theme-default');
            }
            // A palette the board does not offer is named in the address notice; the
            // page keeps its first one.
            var offered = ((page && page.getAttribute('data-bk-palettes')) || '').split(' ');
            var palette = query.get('palette');
            if (offered.indexOf(palette) < 0) palette = offered[0];
            // The index page's <html> and the board's page both carry the mode.
            document.querySelectorAll('[data-bs-theme]').forEach(function(el) {
                if (theme) el.setAttribute('data-bs-theme', theme);
                if (palette) el.setAttribute('data-bk-palette', palette);
            });
            var hide = query.get('embed') === '1' ? {display: 'none'} : {};
            return [hide, hide, hide];
        }""",
        Output(ids.chrome(MATCH, "nav"), "style"),
        Output(ids.chrome(MATCH, "title"), "style"),
        Output(ids.chrome(MATCH, "footer"), "style"),
        # Every page has one address, whichever view it shows.
        Input(ids.address(MATCH, ALL), "search"),
    )
