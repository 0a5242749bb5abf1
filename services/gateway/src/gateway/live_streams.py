"""Open WebSockets and streamed answers, closed when their tenant loses the board.

A request is checked once, when it arrives; a connection that stays open (a WebSocket,
server-sent events) would outlive a revocation. The route cache calls
:meth:`LiveStreams.tenant_changed` whenever a tenant's routes are dropped or change;
each open stream of that tenant is then checked against a fresh answer and closed if
its board is no longer granted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from gateway.errors import GatewayError
from gateway.routes import RouteTable

Lookup = Callable[[str], Awaitable[RouteTable | None]]
_log = logging.getLogger("gateway.live_streams")


@dataclass(eq=False, slots=True)
class _Stream:
    tenant: str
    board: str
    close: Callable[[], None]


def grants(table: RouteTable | None, board: str) -> bool:
    """Whether ``table`` (None: tenant not served) still grants ``board``."""
    return table is not None and any(grant.board == board for grant in table.boards)


class LiveStreams:
    """Every open stream of this process, by tenant."""

    def __init__(self, lookup: Lookup) -> None:
        self._lookup = lookup
        self._open: dict[str, set[_Stream]] = {}
        self._checks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return sum(len(streams) for streams in self._open.values())

    @contextmanager
    def track(self, tenant: str, board: str, close: Callable[[], None]) -> Iterator[None]:
        """Keep the stream known while the block runs; ``close`` ends it on revocation."""
        key = tenant.lower()
        stream = _Stream(key, board, close)
        self._open.setdefault(key, set()).add(stream)
        try:
            yield
        finally:
            streams = self._open.get(key)
            if streams is not None:
                streams.discard(stream)
                if not streams:
                    del self._open[key]

    def tenant_changed(self, tenant: str) -> None:
        """Re-check the open streams of ``tenant`` (``"*"``: of every tenant)."""
        tenants = list(self._open) if tenant == "*" else [tenant.lower()]
        for key in tenants:
            if key in self._open:
                task = asyncio.get_running_loop().create_task(self._check(key))
                self._checks.add(task)
                task.add_done_callback(self._checks.discard)

    async def _check(self, tenant: str) -> None:
        try:
            table = await self._lookup(tenant)
        except GatewayError as exc:
            # The registry cannot say: keep serving as plain requests are served, from
            # the stale answer until the stale limit.
            _log.warning("cannot re-check open streams of %s: %r", tenant, exc)
            return
        for stream in list(self._open.get(tenant, ())):
            if not grants(table, stream.board):
                _log.info(
                    "closing a stream of %s: board %s no longer granted", tenant, stream.board
                )
                stream.close()
