"""Running the stand-ins (and optionally the generator) in one process, one port per API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Generator

import uvicorn

from sim.config import Settings
from sim.orion.app import create_orion_app
from sim.ql.app import create_ql_app

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    # Signals are handled once for all servers in `serve`, not per server.
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def _server(app: object, settings: Settings, port: int) -> _Server:
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=settings.host,
        port=port,
        log_level=settings.log_level,
        access_log=False,
        # Logging is set up by the command (settings_cli.logs); uvicorn's would add colours.
        log_config=None,
        lifespan="on",
    )
    return _Server(config)


async def serve(
    settings: Settings,
    companion: Callable[[asyncio.Event], Awaitable[object]] | None = None,
) -> None:
    """Serve QL and Orion until SIGINT/SIGTERM; `companion` runs alongside (the generator)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    servers = [
        _server(create_ql_app(settings), settings, settings.ql_port),
        _server(create_orion_app(settings), settings, settings.orion_port),
    ]
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    if companion is not None:
        tasks.append(asyncio.create_task(_after_startup(servers, companion, stop)))
    stopper = asyncio.create_task(stop.wait())
    # A server that ends by itself (e.g. its port is taken) ends the whole process.
    await asyncio.wait([stopper, *tasks[:2]], return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    for server in servers:
        server.should_exit = True
    results = await asyncio.gather(*tasks, return_exceptions=True)
    stopper.cancel()
    for result in results:
        if isinstance(result, BaseException):
            raise result


async def _after_startup(
    servers: list[_Server],
    companion: Callable[[asyncio.Event], Awaitable[object]],
    stop: asyncio.Event,
) -> None:
    while not all(s.started for s in servers):
        if stop.is_set():
            return
        await asyncio.sleep(0.05)
    await companion(stop)
