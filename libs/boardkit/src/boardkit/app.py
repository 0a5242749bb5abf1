"""The board app factory: one Dash app (FastAPI backend) serving every tenant."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from tenant_context import TenantContext

import boardkit
from boardkit import ids
from boardkit.boards import Board
from boardkit.compression import Compression
from boardkit.config import BoardSettings
from boardkit.context import (
    ASGIApp,
    Receive,
    Scope,
    Send,
    TenantGate,
    catalogue_service,
    maybe_context,
)
from boardkit.framing import FrameAncestors
from boardkit.guard import CallbackGuard, CallbackShapes, SuiteGuard, on_callback_error
from boardkit.index import BoardDash
from boardkit.live import live_page_parts, register_live_callbacks
from boardkit.metrics import CONTENT_TYPE_LATEST
from boardkit.palettes import palettes_css
from boardkit.panel_page import panel_page_body, register_panel_callbacks
from boardkit.push_notify import NotifyEndpoint
from boardkit.push_stream import PushEndpoint
from boardkit.runtime import Runtime
from boardkit.shared_cache import RedisCache
from boardkit.shell import page, register_chrome
from boardkit.static_assets import PLOTLY_JS, PUSH_JS, SharedAssets, asset_build
from boardkit.theme import BOOTSTRAP_CSS, KIT_CSS

_log = logging.getLogger("boardkit.app")


class BoardApp:
    """The ASGI app of a board service; ``dash`` and ``runtime`` are there for tests."""

    def __init__(self, asgi: ASGIApp, dash_app: BoardDash, runtime: Runtime) -> None:
        self._asgi = asgi
        self.dash = dash_app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._asgi(scope, receive, send)


def _placeholder_context(board: Board) -> TenantContext:
    return TenantContext(
        tenant="validation",
        display_name="validation",
        fiware_service="validation",
        board=board.slug,
        public_prefix="/",
    )


def create_board_app(
    settings: BoardSettings,
    boards: Sequence[Board],
    *,
    name: str = "board",
    service: str | None = None,
) -> BoardApp:
    """Build the app for ``boards`` (one service may serve several slugs; the request's
    verified context picks one). Nothing is fetched here: layouts are built per request.

    ``service`` is the board service name contexts must be signed for; by default the
    catalogue's service of ``boards`` (boards outside the catalogue must name it)."""
    by_slug = {b.slug: b for b in boards}
    if len(by_slug) != len(boards):
        raise ValueError("board slugs must be unique")
    runtime = Runtime(settings)
    dash_app = BoardDash(
        name,
        backend="fastapi",
        serve_locally=True,
        compress=False,
        title="Dazzler",
        update_title="",
        assets_folder=str(_no_assets()),
        include_assets_files=False,
        on_error=on_callback_error,
    )
    dash_app.board_titles = {b.slug: b.title for b in boards}
    dash_app.board_styles = {b.slug: palettes_css(b.palettes) for b in boards if b.palettes}
    dash_app.css.append_css(cast(Any, BOOTSTRAP_CSS))
    dash_app.css.append_css(cast(Any, KIT_CSS))
    dash_app.scripts.append_script(cast(Any, PLOTLY_JS))  # type: ignore[no-untyped-call]
    dash_app.scripts.append_script(cast(Any, PUSH_JS))  # type: ignore[no-untyped-call]

    def board_page(context: TenantContext, *, declared: bool = False) -> Component:
        board = by_slug.get(context.board)
        if board is not None and not declared:
            board = board.resolved(context)
        if board is None:
            return html.Div(
                dbc.Alert(
                    f"This service does not serve the board {context.board!r}.", color="warning"
                ),
                className="container py-5",
            )
        if board.live is not None:
            side, body = live_page_parts(context, board, runtime)
            return page(context, board, body, side, ids.LIVE)
        if board.panels is not None:
            body = panel_page_body(context, board, runtime)
            return page(context, board, body, [], ids.PANEL)
        return page(context, board, dbc.Alert(board.unavailable, color="warning"), [])

    def layout() -> Component:
        context = maybe_context()
        if context is None:
            return validation
        try:
            return board_page(context)
        except Exception:
            # Dash answers 500 for an exception here and logs nothing: say it here, once.
            _log.exception("building the %s page for %s failed", context.board, context.tenant)
            raise

    validation: Component = html.Div(
        [board_page(_placeholder_context(b), declared=True) for b in boards]
    )
    dash_app.validation_layout = cast(Any, validation)
    dash_app.layout = layout
    register_chrome(dash_app)
    register_live_callbacks(dash_app, runtime, by_slug)
    for board in boards:
        if board.panels is not None:
            register_panel_callbacks(dash_app, runtime, board)

    dash_app.asset_build = asset_build(dash_app)
    server: FastAPI = dash_app.server
    _add_probes(server, runtime)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    server.router.lifespan_context = lifespan
    secret = settings.shared_secret.get_secret_value()
    guarded = FrameAncestors(
        CallbackGuard(
            SuiteGuard(server, dash_app.registered_paths), CallbackShapes(dash_app.callback_map)
        )
    )
    gated = NotifyEndpoint(
        TenantGate(
            PushEndpoint(guarded, runtime, by_slug),
            secret,
            settings.context_max_age,
            runtime.metrics,
            service=service or catalogue_service(by_slug),
        ),
        runtime.push,
        runtime.metrics,
    )
    return BoardApp(
        Compression(SharedAssets(gated, dash_app.asset_build, dash_app.registered_paths)),
        dash_app,
        runtime,
    )


def _add_probes(server: FastAPI, runtime: Runtime) -> None:
    @server.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @server.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        checks: dict[str, Any] = {}
        try:
            checks["quantumleap"] = bool((await runtime.ql.health()).ok)
        except Exception as exc:  # any failure means "not ready", reported by name
            checks["quantumleap"] = False
            checks["quantumleap_error"] = type(exc).__name__
        checks["cache"] = await runtime.cache.ping()
        if isinstance(runtime.cache, RedisCache):
            # Reported, not required: without Redis the cache falls back to in-process.
            checks["redis"] = await runtime.cache.redis_reachable()
        ready = bool(checks["quantumleap"]) and bool(checks["cache"])
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @server.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(runtime.metrics.render(), media_type=CONTENT_TYPE_LATEST)


def _no_assets() -> str:
    # Dash insists on an assets folder; the kit ships none (styles come from Bootstrap),
    # and a missing folder is simply not mounted.
    return str(Path(boardkit.__file__).parent / "assets")
