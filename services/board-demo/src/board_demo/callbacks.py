"""The showcase's page-wide switches: colour theme stylesheet (route and link) and the
light/dark mode of the whole page. Figures and echo are the panel view's (render.py)."""

from __future__ import annotations

from boardkit import MalformedCallback, Runtime, control_id, current_context
from dash import MATCH, Dash, Input, Output
from fastapi import FastAPI
from fastapi.responses import Response

from board_demo import ids
from board_demo.page_layout import LAYOUT_CSS
from board_demo.render import MODE
from board_demo.themes import DEFAULT_THEME, THEMES, stylesheet, theme_href


def register(app: Dash, runtime: Runtime) -> None:
    """Register the theme stylesheet route and the switches' callbacks, once for the app."""
    del runtime  # the showcase reads no data source
    server: FastAPI = app.server

    # Registered before Dash adds its catch-all page route at startup, so it wins.
    @server.get("/themes/{slug}.css", include_in_schema=False)
    async def theme_stylesheet(slug: str) -> Response:
        theme = THEMES.get(slug)
        if theme is None:
            return Response("/* no such theme */\n", status_code=404, media_type="text/css")
        return Response(
            stylesheet(theme) + LAYOUT_CSS,
            media_type="text/css",
            headers={"Cache-Control": "public, max-age=3600"},
        )

    @app.callback(
        Output(ids.theme_css(MATCH), "href"),
        Input(ids.theme(MATCH), "value"),
    )
    def choose_theme(slug: str | None) -> str:
        if slug is not None and not isinstance(slug, str):
            raise MalformedCallback("the theme is not a name")
        chosen = slug if slug in THEMES else DEFAULT_THEME
        return theme_href(current_context(), chosen)

    # Bootstrap 5.3 switches colour mode through data-bs-theme; the shell sets it on the
    # page and on <html>, so every element carrying it follows the choice.
    app.clientside_callback(  # type: ignore[no-untyped-call]
        """function(mode) {
            var value = mode === 'dark' ? 'dark' : 'light';
            document.querySelectorAll('[data-bs-theme]').forEach(function(el) {
                el.setAttribute('data-bs-theme', value);
            });
            return value;
        }""",
        Output(ids.mode_applied(MATCH), "data"),
        Input(control_id(MATCH, MODE), "value"),
    )
