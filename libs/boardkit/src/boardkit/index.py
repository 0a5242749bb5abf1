"""The Dash app class: one app for every tenant, its page addressed per request.

Dash fixes ``requests_pathname_prefix`` when the app is built, but each tenant sees the
board under its own public prefix (``/dazzler/<tenant>/-/<board>/``). Routes are served
at ``/`` (the gateway strips the prefix) and the index page is rewritten per request: the
renderer's config gets the prefix of the verified context, and the static assets (component
suites and the favicon) the one path every board and tenant shares, so a browser fetches
them once (:mod:`boardkit.static_assets`). A board's palettes are written into its page
as one ``<style>`` (:mod:`boardkit.palettes`): they differ per board, and the shared path
holds only what every board service has.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from dash import Dash
from dash._utils import to_json

from boardkit.context import maybe_context
from boardkit.memo import BoundedMemo
from boardkit.static_assets import PREFETCHED_CHUNKS, shared_prefix, unfingerprinted

_CONFIG_RE = re.compile(
    r'(<script id="_dash-config" type="application/json">)(.*?)(</script>)', re.DOTALL
)
_ROOTED_URL_RE = re.compile(r'((?:src|href)=")/(assets/)')
_SUITE_URL_RE = re.compile(r'((?:src|href)=")/_dash-component-suites/([^"?]+)')
_FAVICON_URL_RE = re.compile(r'((?:src|href)=")/(_favicon\.ico)')


def with_prefix(
    page: str, prefix: str, theme: str, title: str, static_prefix: str, style: str = ""
) -> str:
    """``page`` (rendered for prefix ``/``) rewritten for ``prefix``, ``theme`` and ``title``,
    its static assets served from ``static_prefix``; ``style`` (the board's palettes) is
    added after the stylesheets it overrides."""
    safe_prefix = html.escape(prefix, quote=True)
    safe_static = html.escape(static_prefix, quote=True)

    def config(match: re.Match[str]) -> str:
        data: dict[str, Any] = json.loads(match.group(2))
        data["requests_pathname_prefix"] = prefix
        data["url_base_pathname"] = None
        # Callbacks go over plain HTTP: the gateway forwards requests, not WebSockets, and
        # a renderer that finds WebSocket settings tries to connect anyway.
        data.pop("websocket", None)
        # Escaping "/" keeps "</script>" out of the inline JSON whatever the values hold.
        text = json.dumps(data, separators=(",", ":"))
        text = text.replace("/", "\\u002f").replace("<", "\\u003c")
        return match.group(1) + text + match.group(3)

    page = _CONFIG_RE.sub(config, page, count=1)
    page = _ROOTED_URL_RE.sub(lambda m: f"{m.group(1)}{safe_prefix}{m.group(2)}", page)
    # Dash's fingerprints hold file times, which differ between installs of the same
    # files; the shared path's build directory already fingerprints them by content.
    page = _SUITE_URL_RE.sub(
        lambda m: f"{m.group(1)}{safe_static}{unfingerprinted(m.group(2))}", page
    )
    page = _FAVICON_URL_RE.sub(lambda m: f"{m.group(1)}{safe_static}{m.group(2)}", page)
    prefetch = "".join(
        f'<link rel="prefetch" href="{safe_static}{chunk}">' for chunk in PREFETCHED_CHUNKS
    )
    # Palette CSS holds no "<" (boardkit.palettes refuses it), so it cannot end the element.
    sheet = f"<style>{style}</style>" if style else ""
    page = page.replace("</head>", prefetch + sheet + "</head>", 1)
    page = page.replace("<html>", f'<html lang="en" data-bs-theme="{html.escape(theme)}">', 1)
    return re.sub(r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", page, count=1)


# Dash puts its own, Python's and plotly's versions in every page's config, for a dev
# tools update check boards never show; public pages name no versions.
_VERSION_KEYS = (
    "dash_version",
    "dash_version_url",
    "python_version",
    "plotly_version",
    "ddk_version",
)
# Pages kept per process: the index and the layout of the busiest tenant contexts.
PAGES_KEPT = 512


class BoardDash(Dash):
    """A Dash app whose index page follows the tenant context of each request."""

    board_titles: dict[str, str]
    # The palettes' stylesheet of each board that offers some.
    board_styles: dict[str, str]
    # Set by the app factory once every asset is registered (boardkit.static_assets).
    asset_build: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A page is a function of its tenant context alone (nothing in it is per request
        # or per moment: data arrives by callbacks), and building one costs tens of
        # milliseconds; thousands of viewers opening boards would spend the server on it.
        self._indexes: BoundedMemo[str] = BoundedMemo(PAGES_KEPT)
        self._layouts: BoundedMemo[str] = BoundedMemo(PAGES_KEPT)

    def index(self, *args: Any, **kwargs: Any) -> str:
        context = maybe_context()
        build = super().index
        if context is None:
            return str(build(*args, **kwargs))  # type: ignore[no-untyped-call]
        return self._indexes.get(
            context.model_dump_json(),
            lambda: str(build(*args, **kwargs)),  # type: ignore[no-untyped-call]
        )

    def serve_layout(self) -> Any:
        context = maybe_context()
        if context is None:
            return super().serve_layout()  # type: ignore[no-untyped-call]
        body = self._layouts.get(
            context.model_dump_json(),
            lambda: str(to_json(self.get_layout())),  # type: ignore[no-untyped-call]
        )
        return self.backend.make_response(body, mimetype="application/json")

    def _config(self) -> dict[str, Any]:
        config: dict[str, Any] = super()._config()  # type: ignore[no-untyped-call]
        for key in _VERSION_KEYS:
            config.pop(key, None)
        config["disable_version_check"] = True
        return config

    def interpolate_index(
        self,
        metas: Any = "",
        title: Any = "",
        css: Any = "",
        config: Any = "",
        scripts: Any = "",
        app_entry: Any = "",
        favicon: Any = "",
        renderer: Any = "",
    ) -> Any:
        page: str = super().interpolate_index(  # type: ignore[no-untyped-call]
            metas=metas,
            title=title,
            css=css,
            config=config,
            scripts=scripts,
            app_entry=app_entry,
            favicon=favicon,
            renderer=renderer,
        )
        context = maybe_context()
        if context is None:
            return page
        title = self.board_titles.get(context.board, "Dazzler")
        return with_prefix(
            page,
            context.public_prefix,
            context.theme,
            f"{title} · {context.display_name}",
            shared_prefix(self.asset_build),
            self.board_styles.get(context.board, ""),
        )
