"""Forwarding one matched request to a replica of its board and streaming the answer back."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import aiohttp
from tenant_context import board_info
from yarl import URL

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
from gateway.metrics import Metrics
from gateway.routes import Match, RouteTable
from gateway.upstreams import ServicePool, Upstreams

# Only these may be sent twice: the first attempt may have reached the board.
# Dash's POST /_dash-update-component is not among them.
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
# Answers up to this size are read whole and sent in one message.
_SMALL_BODY = 64 * 1024
_log = logging.getLogger("gateway.proxy")


class _Body:
    """The client's request body as an async iterator that notes whether it was read."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.started = False
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
                return
            chunk = message.get("body", b"")
            if chunk:
                yield chunk
            more = message.get("more_body", False)


class Proxy:
    """Sends requests to board replicas through one keep-alive session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        upstreams: Upstreams,
        signer: ContextSigner,
        metrics: Metrics,
        *,
        connect_timeout: float,
        upstream_timeout: float,
    ) -> None:
        self._session = session
        self._upstreams = upstreams
        self._signer = signer
        self._metrics = metrics
        self._timeout = aiohttp.ClientTimeout(
            total=None,
            connect=connect_timeout,
            sock_connect=connect_timeout,
            sock_read=upstream_timeout,
        )

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
            context=self._signer.headers(table, match.grant, match.prefix, home_prefix),
        )
        query: bytes = scope.get("query_string", b"")
        target = match.upstream_path + (b"?" + query if query else b"")
        response = await self._send(scope, receive, pool, info.title, target, headers, state)
        await self._relay(scope, send, response, state)

    async def _send(
        self,
        scope: Scope,
        receive: Receive,
        pool: ServicePool,
        title: str,
        target: bytes,
        headers: list[tuple[str, str]],
        state: RequestState,
    ) -> aiohttp.ClientResponse:
        method: str = scope["method"]
        length = header(scope, b"content-length")
        has_body = (length is not None and length != b"0") or (
            header(scope, b"transfer-encoding") is not None
        )
        body = _Body(receive)
        retries = 1 if method in _IDEMPOTENT and not has_body else 0
        path = target.decode("latin-1")
        for replica in pool.candidates():
            state.upstream = replica.base_url
            started = time.perf_counter()
            try:
                response = await self._session.request(
                    method,
                    URL(replica.base_url + path, encoded=True),
                    headers=headers,
                    data=body.chunks() if has_body else None,
                    allow_redirects=False,
                    timeout=self._timeout,
                )
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
                # Nothing reached the board: any method may go to the next replica,
                # unless the body was already being read.
                pool.mark_down(replica)
                self._metrics.upstream_errors.labels(pool.service, "connect").inc()
                _log.warning("replica %s of %s refused: %r", replica.base_url, title, exc)
                if body.too_large:
                    raise BodyTooLarge() from exc
                if body.started:
                    raise UpstreamFailed() from exc
                continue
            except TimeoutError as exc:
                self._metrics.upstream_errors.labels(pool.service, "timeout").inc()
                raise UpstreamTimeout() from exc
            except (aiohttp.ClientError, OSError) as exc:
                if body.too_large:
                    raise BodyTooLarge() from exc
                self._metrics.upstream_errors.labels(pool.service, "broken").inc()
                if retries > 0:
                    retries -= 1
                    continue
                raise UpstreamFailed() from exc
            pool.mark_up(replica)
            self._metrics.upstream_latency.labels(pool.service).observe(
                time.perf_counter() - started
            )
            if body.too_large:
                response.close()
                raise BodyTooLarge()
            return response
        raise BoardUnavailable(title)

    async def _relay(
        self, scope: Scope, send: Send, response: aiohttp.ClientResponse, state: RequestState
    ) -> None:
        started = False
        try:
            headers = client_response_headers(response.raw_headers, state.request_id.encode())
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
            async for chunk in response.content.iter_any():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        except TimeoutError as exc:
            if not started:
                raise UpstreamTimeout() from exc
            _log.warning("%s timed out mid-answer; closing the client connection", state.upstream)
        except (aiohttp.ClientError, OSError) as exc:
            if not started:
                raise UpstreamFailed() from exc
            _log.warning("%s broke off mid-answer: %r", state.upstream, exc)
        finally:
            response.release()
