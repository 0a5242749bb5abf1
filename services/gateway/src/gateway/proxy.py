"""Forwarding one matched request to a replica of its board and streaming the answer back."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence

from tenant_context import board_info

from gateway.asgi import Receive, RequestState, Scope, Send, header
from gateway.context_headers import ContextSigner
from gateway.errors import (
    BoardUnavailable,
    BodyTooLarge,
    NotFound,
    UpstreamFailed,
    UpstreamTimeout,
)
from gateway.forward_headers import client_response_headers, upstream_request_headers
from gateway.live_streams import LiveStreams
from gateway.metrics import Metrics
from gateway.routes import Match, RouteTable
from gateway.upstream_client import (
    ConnectFailed,
    ConnectionBroken,
    ReadTimeout,
    UpstreamClient,
    UpstreamResponse,
)
from gateway.upstreams import ServicePool, Upstreams
from gateway.websocket_relay import board_headers, refuse, relay, same_origin

# Only these may be sent twice: the first attempt may have reached the board.
# Dash's POST /_dash-update-component is not among them.
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
# Answers up to this size are read whole and sent in one message; request bodies up to
# it with a Content-Length are read whole before connecting, so that head and body leave
# in one write and the board parses no stream (Dash callbacks are all of this kind).
_SMALL_BODY = 64 * 1024
_log = logging.getLogger("gateway.proxy")


class ClientLeft(Exception):
    """The client disconnected before its request body was complete."""


class _Body:
    """The client's request body as an async iterator that notes how far it was read."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.started = False
        self.finished = False
        self.too_large = False

    async def chunks(self) -> AsyncIterator[bytes]:
        self.started = True
        more = True
        while more:
            try:
                message = await self._receive()
            except BodyTooLarge:
                self.too_large = True
                raise
            if message["type"] != "http.request":
                # Raising (not returning) makes the upstream client abort the request
                # and close its connection, rather than end a body shorter than declared.
                raise ClientLeft("the client left while sending its body")
            chunk = message.get("body", b"")
            if chunk:
                yield chunk
            more = message.get("more_body", False)
        self.finished = True


async def _close_on_disconnect(receive: Receive, response: UpstreamResponse) -> None:
    """Close the board's answer once the client has gone, so an endless stream ends too."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            response.end()
            return


async def _read_whole(receive: Receive) -> bytes:
    """Return the whole request body; raise UpstreamFailed if the client left midway."""
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise UpstreamFailed("the client left while sending its body")
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return parts[0] if len(parts) == 1 else b"".join(parts)


def _declared_length(value: bytes | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class Proxy:
    """Sends requests to board replicas over kept-alive connections."""

    def __init__(
        self,
        client: UpstreamClient,
        upstreams: Upstreams,
        signer: ContextSigner,
        metrics: Metrics,
        live: LiveStreams,
    ) -> None:
        self._live = live
        self._client = client
        self._upstreams = upstreams
        self._signer = signer
        self._metrics = metrics

    async def forward(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        table: RouteTable,
        match: Match,
        home_prefix: str,
        state: RequestState,
    ) -> None:
        """Forward the request to ``match``'s board; raise a GatewayError on failure."""
        pool, title, target, headers = self._prepare(scope, table, match, home_prefix, state)
        body = _Body(receive)
        response = await self._send(scope, receive, body, pool, title, target, headers, state)
        await self._relay(scope, receive, send, response, state, body)

    def _prepare(
        self,
        scope: Scope,
        table: RouteTable,
        match: Match,
        home_prefix: str,
        state: RequestState,
    ) -> tuple[ServicePool, str, bytes, list[tuple[str, str]]]:
        """Return the board's pool, title, target and the headers it gets (signed context)."""
        info = board_info(match.grant.board)
        if info is None:
            raise NotFound(f"board {match.grant.board!r} is not in the catalogue")
        state.service = info.service
        pool = self._upstreams.pool(info.service)
        if pool is None:
            raise BoardUnavailable(info.title)
        client = scope.get("client")
        headers = upstream_request_headers(
            scope["headers"],
            client_ip=client[0] if client else "",
            scheme=scope.get("scheme", "http"),
            prefix=match.prefix,
            request_id=state.request_id,
            context=self._signer.headers(
                table,
                match.grant,
                match.prefix,
                home_prefix,
                # A WebSocket handshake is a GET.
                method=scope.get("method", "GET"),
                service=info.service,
            ),
        )
        query: bytes = scope.get("query_string", b"")
        target = match.upstream_path + (b"?" + query if query else b"")
        return pool, info.title, target, headers

    async def forward_websocket(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        table: RouteTable,
        match: Match,
        home_prefix: str,
        state: RequestState,
    ) -> None:
        """Relay a WebSocket to ``match``'s board until either side closes or access ends."""
        pool, _title, target, headers = self._prepare(scope, table, match, home_prefix, state)
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        if not same_origin(scope):
            await refuse(send)
            return
        board = None
        for replica in pool.candidates():
            state.upstream = replica.base_url
            try:
                board = await self._client.websocket(
                    replica.base_url,
                    target,
                    board_headers(headers, replica.base_url),
                    list(scope.get("subprotocols", [])),
                )
            except ConnectFailed as exc:
                pool.mark_down(replica)
                _log.warning("replica %s refused a WebSocket: %s", replica.base_url, exc)
                continue
            except ConnectionBroken as exc:
                _log.info("board refused a WebSocket: %s", exc)
                break
            break
        if board is None:
            await refuse(send)
            return
        revoked = asyncio.Event()
        try:
            with self._live.track(state.tenant, state.board, revoked.set):
                await relay(receive, send, board, revoked)
        finally:
            await board.close()

    async def forward_asset(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        pools: Sequence[ServicePool],
        target: bytes,
        headers: list[tuple[str, str]],
        state: RequestState,
    ) -> None:
        """Send a static-asset request (no tenant, no context) to the first of ``pools``
        with a replica that takes it; raise BoardUnavailable if none does."""
        body = _Body(receive)
        for pool in pools:
            try:
                response = await self._send(
                    scope, receive, body, pool, pool.service, target, headers, state
                )
            except BoardUnavailable:
                continue
            state.service = pool.service
            await self._relay(scope, receive, send, response, state, body)
            return
        raise BoardUnavailable("static assets")

    async def _send(
        self,
        scope: Scope,
        receive: Receive,
        body: _Body,
        pool: ServicePool,
        title: str,
        target: bytes,
        headers: list[tuple[str, str]],
        state: RequestState,
    ) -> UpstreamResponse:
        method: str = scope["method"]
        length = header(scope, b"content-length")
        chunked = header(scope, b"transfer-encoding") is not None
        has_body = (length is not None and length != b"0") or chunked
        data: bytes | None = None
        declared = None if chunked else _declared_length(length)
        if has_body and declared is not None and declared <= _SMALL_BODY:
            # Held in memory, so a refused connection can still go to the next replica.
            data = await _read_whole(receive)
            body.finished = True
        elif not has_body:
            body.finished = True
        retries = 1 if method in _IDEMPOTENT and not has_body else 0
        for replica in pool.candidates():
            state.upstream = replica.base_url
            started = time.perf_counter()
            try:
                response = await self._client.request(
                    replica.base_url,
                    method,
                    target,
                    headers,
                    data if data is not None or not has_body else body.chunks(),
                    length=declared,
                )
            except ConnectFailed as exc:
                # Nothing reached the board: any method may go to the next replica.
                pool.mark_down(replica)
                self._metrics.upstream_errors.labels(pool.service, "connect").inc()
                _log.warning("replica %s of %s refused: %s", replica.base_url, title, exc)
                continue
            except ReadTimeout as exc:
                self._metrics.upstream_errors.labels(pool.service, "timeout").inc()
                raise UpstreamTimeout() from exc
            except (ConnectionBroken, OSError) as exc:
                if body.too_large:
                    raise BodyTooLarge() from exc
                self._metrics.upstream_errors.labels(pool.service, "broken").inc()
                if retries > 0 and not body.started:
                    retries -= 1
                    continue
                raise UpstreamFailed() from exc
            pool.mark_up(replica)
            self._metrics.observe_upstream(pool.service, time.perf_counter() - started)
            return response
        raise BoardUnavailable(title)

    async def _relay(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        response: UpstreamResponse,
        state: RequestState,
        body: _Body,
    ) -> None:
        started = False
        watcher: asyncio.Task[None] | None = None
        try:
            headers = client_response_headers(response.headers, state.request_id.encode())
            length = response.content_length
            if scope["method"] == "HEAD" or response.status in (204, 304):
                await send(
                    {"type": "http.response.start", "status": response.status, "headers": headers}
                )
                started = True
                await send({"type": "http.response.body", "body": b""})
                return
            if length is not None and length <= _SMALL_BODY:
                payload = await response.read()
                await send(
                    {"type": "http.response.start", "status": response.status, "headers": headers}
                )
                started = True
                await send({"type": "http.response.body", "body": payload})
                return
            await send(
                {"type": "http.response.start", "status": response.status, "headers": headers}
            )
            started = True
            if body.finished:
                # Only once the body is all read is the client's channel free to watch.
                watcher = asyncio.ensure_future(_close_on_disconnect(receive, response))
            # A stream that stays open (server-sent events) ends when access does.
            with (
                self._live.track(state.tenant, state.board, response.end)
                if state.board
                else contextlib.nullcontext()
            ):
                async for chunk in response.chunks():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        except ReadTimeout as exc:
            if not started:
                raise UpstreamTimeout() from exc
            _log.warning("%s timed out mid-answer; closing the client connection", state.upstream)
        except (ConnectionBroken, OSError) as exc:
            if not started:
                raise UpstreamFailed() from exc
            if response.ended_here:
                # A viewer closing its page (or losing access) ends its stream: routine,
                # thousands at a time when a shift ends.
                _log.debug("answer from %s ended by the gateway", state.upstream)
            else:
                _log.warning("%s broke off mid-answer: %r", state.upstream, exc)
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            response.release()
