"""``GET /_dazzler-push``: a board page's one server-sent events stream.

Pure ASGI, inside the tenant gate (so only a verified context reaches it) and outside
Dash. Parameters and events are described in docs/boards.md (*Push protocol*).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import parse_qs

from tenant_context import TenantContext

from boardkit.answers import refuse
from boardkit.boards import Board
from boardkit.context import ASGIApp, Receive, Scope, Send, current_context
from boardkit.push_events import HEARTBEAT, RETRY
from boardkit.push_series import MAX_SERIES, UnknownSeries, series_spec, unknown_choice
from boardkit.push_viewer import Viewer
from boardkit.runtime import Runtime
from boardkit.updates import LiveController

PUSH_PATH = "/_dazzler-push"
_log = logging.getLogger("boardkit.push")


class BadPushRequest(ValueError):
    """The stream's parameters cannot be served (answered 400 with the message)."""


def _after(query: Mapping[str, list[str]], headers: Mapping[bytes, bytes]) -> datetime | None:
    values = query.get("after")
    raw = values[-1] if values else headers.get(b"last-event-id", b"").decode("latin-1")
    if not raw:
        return None
    if not raw.strip().isdecimal() or len(raw) > 15:
        raise BadPushRequest("after must be a whole number of epoch milliseconds")
    return datetime.fromtimestamp(int(raw) / 1000, UTC)


class PushEndpoint:
    """Answers ``GET /_dazzler-push``; passes everything else on."""

    def __init__(self, app: ASGIApp, runtime: Runtime, boards: Mapping[str, Board]) -> None:
        self.app = app
        self._runtime = runtime
        self._boards = boards
        self._live = LiveController(runtime, boards)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PUSH_PATH:
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            await refuse(send, 405, "Use GET", "method_not_allowed")
            return
        try:
            viewer = await self._open(scope)
        except BadPushRequest as exc:
            await refuse(send, 400, str(exc), "bad_request")
            return
        await self._stream(viewer, receive, send)

    async def _open(self, scope: Scope) -> Viewer:
        context = current_context()
        board = self._boards.get(context.board)
        if board is None:
            raise BadPushRequest(f"this service does not serve the board {context.board!r}")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        unknown = sorted(set(query) - {"series", "after"})
        if unknown:
            raise BadPushRequest(f"unknown parameter {unknown[0]!r}")
        names = list(dict.fromkeys(query.get("series", [])))
        if not names:
            raise BadPushRequest("name at least one series")
        if len(names) > MAX_SERIES:
            raise BadPushRequest(f"at most {MAX_SERIES} series per stream")
        after = _after(query, dict(scope["headers"]))
        try:
            specs = [series_spec(self._runtime, context, board, name) for name in names]
        except UnknownSeries as exc:
            raise BadPushRequest(str(exc)) from exc
        await self._check_entities(context, board, names)
        refused = await unknown_choice(self._runtime, context, board, names)
        if refused:
            raise BadPushRequest(refused)
        return await self._runtime.push.subscribe(specs, after)

    async def _check_entities(self, context: TenantContext, board: Board, names: list[str]) -> None:
        """Refuse entities the tenant does not have (each would cost a poller); while the
        entity list cannot be had, the stream opens and says the source is down."""
        view = board.resolved(context).live
        if view is None or not view.pick_entities:
            return
        try:
            known = set(await self._live.entity_ids(context, view))
        except Exception:
            return
        missing = [name for name in names if name not in known]
        if missing:
            raise BadPushRequest(f"unknown series {missing[0]!r}: no such {view.entity_type}")

    async def _stream(self, viewer: Viewer, receive: Receive, send: Send) -> None:
        heartbeat = self._runtime.settings.push_heartbeat_seconds
        gone = asyncio.create_task(_disconnected(receive))
        gone.add_done_callback(lambda _task: viewer.close())
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-store"),
                        (b"x-accel-buffering", b"no"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": RETRY, "more_body": True})
            while not gone.done():
                chunk = await viewer.next(heartbeat)
                if chunk == b"":
                    break
                body = HEARTBEAT if chunk is None else chunk
                await send({"type": "http.response.body", "body": body, "more_body": True})
            if not gone.done():
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the client went away mid-write
        finally:
            gone.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await gone
            self._runtime.push.leave(viewer)


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
