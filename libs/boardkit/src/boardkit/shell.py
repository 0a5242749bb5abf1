"""The page around every board: navbar, title, explanation, footer, theme."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import MATCH, Dash, Input, Output, dcc, html
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


def page(context: TenantContext, board: Board, body: Component, side: list[Component]) -> Component:
    """The whole page: ``side`` (controls) above the explanation on the left, ``body``
    on the right."""
    theme_attribute: dict[str, Any] = {"data-bs-theme": context.theme}
    return html.Div(
        [
            # Read only: the theme and embed mode the address asks for (see register_chrome).
            dcc.Location(id=ids.chrome(context.board, "address"), refresh=False),
            navbar(context),
            dbc.Container(
                [
                    html.H1(
                        board.title, id=ids.chrome(context.board, "title"), className="h3 mb-3"
                    ),
                    dbc.Row(
                        [
                            dbc.Col([*side, explanation_card(board)], md=4, lg=3),
                            dbc.Col(body, md=8, lg=9),
                        ]
                    ),
                ],
                fluid=True,
                className="flex-grow-1",
            ),
            footer(context),
        ],
        className="bg-body text-body min-vh-100 d-flex flex-column",
        **theme_attribute,
    )


def register_chrome(app: Dash) -> None:
    """Apply the address's ``theme`` and ``embed=1`` to every board's page, in the browser
    (Dash fetches the layout without the query string, so the server cannot)."""
    app.clientside_callback(  # type: ignore[no-untyped-call]
        """function(search) {
            var query = new URLSearchParams(search || '');
            var theme = query.get('theme');
            if (theme === 'light' || theme === 'dark') {
                // The index page's <html> and the board's page both carry the mode.
                document.querySelectorAll('[data-bs-theme]').forEach(function(el) {
                    el.setAttribute('data-bs-theme', theme);
                });
            }
            var hide = query.get('embed') === '1' ? {display: 'none'} : {};
            return [hide, hide, hide];
        }""",
        Output(ids.chrome(MATCH, "nav"), "style"),
        Output(ids.chrome(MATCH, "title"), "style"),
        Output(ids.chrome(MATCH, "footer"), "style"),
        Input(ids.chrome(MATCH, "address"), "search"),
    )
