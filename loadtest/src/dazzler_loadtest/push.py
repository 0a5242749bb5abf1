"""Viewers of pushed live updates: many real board pages held open by one asyncio process.

Each viewer opens its board page as a browser does (index, ``_dash-layout``,
``_dash-dependencies``; for a board that follows picked entities also the callback that
lists them, so viewers spread over entities), then holds the board's server-sent events stream
(``_dazzler-push``, see "Push protocol" in docs/boards.md) and records, per frame, the
lag of each point from the time the simulator stamped on it. A broken stream is reopened
with backoff (1 s doubling to 30 s) and ``after`` set to the newest point it has, as the
kit's page does; what arrives then is checked for gaps and duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import resource
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
from settings_cli.collector import tune_gc

from dazzler_loadtest.cpu_meter import CpuMeter, generator_summary
from dazzler_loadtest.dash_model import Page, PageFormatError
from dazzler_loadtest.options import assign, board_prefix, board_slug
from dazzler_loadtest.push_ledger import Ledger, Track, Window
from dazzler_loadtest.session import UPDATE_PATH
from dazzler_loadtest.signing import Signer
from dazzler_loadtest.sse import Event, SseParser, StreamFormatError

PUSH_PATH = "_dazzler-push"
# The page's push badge says what it follows: a live view's ``data-whole`` the whole
# entity type (series ``*``) or one series per picked entity; a panel view's
# ``data-series`` its sources (``panel:<source>``), as a JSON list.
BADGE_TYPES = ("bk-push", "bk-panel-push")
WHOLE_TYPE = "*"
PICKER_TYPE = "bk-entities"
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
# After a failed page load the viewer loads the page again, as a person would.
RELOAD_DELAY = 5.0


class PushFailed(Exception):
    """A page request or a stream opening that a browser would show as an error."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True, slots=True)
class PushOptions:
    """One run: who watches what, for how long."""

    hosts: tuple[str, ...]
    viewers: int
    tenants: tuple[str, ...] = ("demo",)
    boards: Mapping[str, float] = field(default_factory=lambda: {"roughnator": 1.0})
    assign: str = "roundrobin"
    spawn_rate: float = 100.0
    settle: float = 5.0
    measure: float = 20.0
    # Points stamped near the end of the window still have this long to arrive.
    grace: float = 5.0
    path_template: str = "/dazzler/{tenant}/-/{mount}/"
    secret: str | None = None
    index: bool = True
    series: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stream_timeout: float = 45.0
    # Longest wait after --settle for every viewer's stream to open.
    open_wait: float = 60.0
    # Viewers sharing one source address (0: all from the default one).
    per_address: int = 50
    # Page loads in flight at once.
    loading: int = 32
    seed: int | None = None
    # Generator processes, each with its own event loop and share of the viewers.
    processes: int = 1


def now_ms() -> float:
    return time.time() * 1000.0


def raise_open_files(wanted: int) -> int:
    """Lift this process's open-file limit to ``wanted`` (one socket per viewer), the hard
    limit too where allowed; return the limit in force. Processes started afterwards
    inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return soft
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))
        return wanted
    if hard != resource.RLIM_INFINITY and hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    return soft


class PushViewer:
    """One person with one board open and its live stream held."""

    def __init__(
        self,
        viewer_id: int,
        number: int,
        http: aiohttp.ClientSession,
        host: str,
        tenant: str,
        mount: str,
        ledger: Ledger,
        options: PushOptions,
        loading: asyncio.Semaphore,
    ) -> None:
        self.number = number
        self.loading = loading
        # The viewer's place in the whole run, the same in whichever process holds it.
        self.viewer_id = viewer_id
        self.http = http
        self.tenant = tenant
        self.slug = board_slug(mount)
        prefix = board_prefix(options.path_template, tenant, mount)
        self.base = host + prefix
        self.ledger = ledger
        self.options = options
        self.signer = (
            Signer(tenant, self.slug, prefix, options.secret)
            if options.secret is not None
            else None
        )
        self.tracks: dict[str, Track] = {}

    def _headers(self, method: str) -> dict[str, str]:
        return self.signer(method) if self.signer else {}

    async def run(self) -> None:
        """Load the page (again after a failure), then keep the stream open."""
        while True:
            # Page loads queue for a bounded number of slots, so a ramp measures the
            # streams, not a burst of page loads no server is sized for.
            async with self.loading:
                began = time.perf_counter()
                try:
                    series = await self.load()
                    break
                except PushFailed as exc:
                    self.ledger.error(exc.kind, exc.detail)
            await asyncio.sleep(RELOAD_DELAY)
        self.ledger.page_loads_ms.append((time.perf_counter() - began) * 1000)
        # Keyed without the host: viewers of one series on different replicas must get
        # the same points too.
        self.tracks = {
            s: self.ledger.track((self.tenant, self.slug, s), self.viewer_id) for s in series
        }
        await self.follow(series)

    async def load(self) -> list[str]:
        """What a browser fetches before the board shows; returns the series to follow."""
        if self.options.index:
            await self._get("", "page: index")
        layout = await self._get("_dash-layout", "page: _dash-layout")
        dependencies = await self._get("_dash-dependencies", "page: _dash-dependencies")
        try:
            page = Page.build(layout, dependencies)
        except (PageFormatError, KeyError, TypeError) as exc:
            raise PushFailed("page: format", str(exc)) from None
        chosen = self.options.series.get(self.slug)
        if chosen:
            return list(chosen)
        badges = [
            k for k, c in page.ids.items() if isinstance(c, dict) and c.get("type") in BADGE_TYPES
        ]
        if not badges:
            raise PushFailed("page: series", f"{self.slug} shows no push badge: it pushes nothing")
        badge = page.props[badges[0]]
        if "data-series" in badge:
            try:
                listed = orjson.loads(badge["data-series"])
            except (orjson.JSONDecodeError, TypeError):
                listed = None
            if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
                raise PushFailed("page: series", f"data-series is not a list of names: {badge}")
            return listed
        if badge.get("data-whole") == "1":
            return [WHOLE_TYPE]
        return [await self._pick_entity(page)]

    async def _pick_entity(self, page: Page) -> str:
        """Run the callback that fills the entity picker; take one entity by viewer number."""
        pickers = [
            k for k, c in page.ids.items() if isinstance(c, dict) and c.get("type") == PICKER_TYPE
        ]
        if not pickers:
            raise PushFailed("page: series", f"{self.slug} follows entities but has no picker")
        picker = page.ids[pickers[0]]
        for bound in page.callbacks:
            if (picker, "options") in bound.outputs and not bound.callback.clientside:
                changed = list(bound.input_props())[:1]
                answer = await self._post(page.request_body(bound, changed), "entities")
                try:
                    page.apply(answer)
                except PageFormatError as exc:
                    raise PushFailed("page: entities", str(exc)) from None
                break
        options = page.value(picker, "options") or []
        values: list[str] = []
        for option in options:
            value = option.get("value") if isinstance(option, dict) else option
            if isinstance(value, str):
                values.append(value)
        if not values:
            raise PushFailed("page: entities", f"{self.tenant}/{self.slug} lists no entity")
        return values[self.number % len(values)]

    async def _get(self, path: str, name: str) -> Any:
        try:
            async with self.http.get(self.base + path, headers=self._headers("GET")) as response:
                body = await response.read()
                if response.status != 200:
                    raise PushFailed(name, f"HTTP {response.status}: {body[:200]!r}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PushFailed(name, f"{type(exc).__name__}: {exc}") from None
        if not path.startswith("_dash"):
            return body
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            raise PushFailed(name, "body is not JSON") from None

    async def _post(self, body: dict[str, Any], name: str) -> Any:
        url = self.base + UPDATE_PATH
        try:
            async with self.http.post(
                url,
                data=orjson.dumps(body),
                headers={**self._headers("POST"), "Content-Type": "application/json"},
            ) as response:
                raw = await response.read()
                if response.status == 204:
                    return {"response": {}}
                if response.status != 200:
                    raise PushFailed(name, f"HTTP {response.status}: {raw[:200]!r}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PushFailed(name, f"{type(exc).__name__}: {exc}") from None
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise PushFailed(name, "body is not JSON") from None

    async def follow(self, series: list[str]) -> None:
        """Hold the stream; reopen it with backoff and ``after`` whenever it ends."""
        backoff = FIRST_BACKOFF
        after: int | None = None
        while True:
            live_from: float | None = None
            try:
                live_from = await self._stream(series, after)
                cause = "the server ended the stream"
            except PushFailed as exc:
                self.ledger.error(exc.kind, exc.detail)
                cause = ""
            except (aiohttp.ClientError, TimeoutError, StreamFormatError) as exc:
                # Broken after it opened: the page notices and reconnects.
                live_from = now_ms()
                cause = f"{type(exc).__name__}: {exc}"
            if live_from is not None:
                backoff = FIRST_BACKOFF
                self.ledger.reconnect(cause)
            newest = [t.newest for t in self.tracks.values()]
            if newest and all(n >= 0 for n in newest):
                after = min(newest)
            elif live_from is not None:
                after = int(live_from)
            await asyncio.sleep(backoff * random.uniform(0.9, 1.1))
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def _stream(self, series: list[str], after: int | None) -> float | None:
        """One stream, read to its end; returns when it opened (epoch ms)."""
        params = [("series", s) for s in series]
        if after is not None:
            params.append(("after", str(after)))
        timeout = aiohttp.ClientTimeout(total=None, sock_read=self.options.stream_timeout)
        try:
            response = await self.http.get(
                self.base + PUSH_PATH,
                params=params,
                headers={**self._headers("GET"), "Accept": "text/event-stream"},
                timeout=timeout,
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PushFailed("stream: open", f"{type(exc).__name__}: {exc}") from None
        async with response:
            if response.status != 200:
                body = await response.read()
                raise PushFailed("stream: open", f"HTTP {response.status}: {body[:200]!r}")
            kind = response.headers.get("Content-Type", "")
            if not kind.startswith("text/event-stream"):
                raise PushFailed("stream: open", f"content-type {kind!r}")
            live_from = now_ms()
            for track in self.tracks.values():
                track.connected = True
            self.ledger.opened(self.viewer_id)
            parser = SseParser()
            try:
                async for chunk in response.content.iter_any():
                    received = now_ms()
                    for event in parser.feed(chunk):
                        if self._handle(event, received, live_from):
                            return live_from
            finally:
                for track in self.tracks.values():
                    track.connected = False
        return live_from

    def _handle(self, event: Event, received: float, live_from: float) -> bool:
        """Record one event; ``True`` when the stream must be reopened (a reset)."""
        if event.event not in ("points", "changed", "state", "reset"):
            return False
        try:
            data = orjson.loads(event.data)
            track = self.tracks.get(data["series"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            self.ledger.error("stream: frame", event.data[:200])
            return False
        if track is None:
            self.ledger.error("stream: frame", f"series not asked for: {event.data[:200]}")
            return False
        if event.event == "state":
            self.ledger.states[str(data.get("state"))] += 1
            return False
        if event.event == "reset":
            self.ledger.resets[str(data.get("reason"))] += 1
            # What was queued is gone: start again from now, as the page's redraw does.
            for known in self.tracks.values():
                known.newest = -1
            return True
        times = data.get("t")
        if not isinstance(times, list) or not all(isinstance(t, int) for t in times):
            self.ledger.error("stream: frame", f"no point times: {event.data[:200]}")
            return False
        self.ledger.points_frame(
            track, times, received, live_from, event.size, dedupe=event.event == "points"
        )
        return False


def spread(options: PushOptions, rng: random.Random) -> list[tuple[str, str, str, int]]:
    """(host, tenant, board mount, its rank among that board's viewers) of each viewer;
    the rank picks the entity, so each board's viewers cycle through its entities."""
    found = []
    ranks: dict[tuple[str, str], int] = {}
    for number in range(options.viewers):
        tenant, mount = assign(options.tenants, options.boards, options.assign, number, rng)
        rank = ranks[tenant, mount] = ranks.get((tenant, mount), -1) + 1
        found.append((options.hosts[number % len(options.hosts)], tenant, mount, rank))
    return found


def _source_address(host: str, number: int, per_address: int) -> str | None:
    """The loopback address viewer ``number`` connects from: people watch from many
    addresses, and the gateway limits connections per address (127/8 is all loopback)."""
    if not per_address or not (urlsplit(host).hostname or "").startswith("127."):
        return None
    group = number // per_address
    return f"127.0.{1 + group // 250}.{1 + group % 250}"


def _session(source: str | None) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=0, ttl_dns_cache=None, local_addr=(source, 0) if source else None
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=60.0, sock_connect=15.0),
        headers={"Accept-Encoding": "gzip"},
    )


class WindowClock:
    """When the measured window opens: once this process's viewers all stream (or
    ``open_wait`` ran out). :mod:`dazzler_loadtest.push_processes` replaces it so that
    every generator process opens the same window."""

    async def window_start(self, ledger: Ledger, open_wait: float) -> float:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ledger.all_open.wait(), open_wait)
        return now_ms()


@dataclass(frozen=True, slots=True)
class Share:
    """The viewers one generator process holds: those whose number is ``index`` modulo
    ``count`` (the spread and the opening schedule stay those of the whole run)."""

    index: int = 0
    count: int = 1

    def holds(self, number: int) -> bool:
        return number % self.count == self.index


@dataclass(slots=True)
class PushPart:
    """What one generator process measured, before the figures are drawn from it."""

    ledger: Ledger
    generator: dict[str, Any]
    ramp_seconds: float
    open_files_limit: int
    streams_open_at_start: int


async def run_part(
    options: PushOptions, share: Share = Share(), clock: WindowClock | None = None
) -> PushPart:
    """Open this process's viewers, measure the window, close them."""
    clock = clock or WindowClock()
    rng = random.Random(options.seed)
    mine = [
        (number, spot) for number, spot in enumerate(spread(options, rng)) if share.holds(number)
    ]
    files = raise_open_files(len(mine) + 256)
    ledger = Ledger(expected=len(mine))
    meter = CpuMeter()
    meter_task = asyncio.create_task(meter.run())
    tasks: list[asyncio.Task[None]] = []
    loading = asyncio.Semaphore(max(1, options.loading // share.count))
    async with contextlib.AsyncExitStack() as sessions:
        began = time.perf_counter()
        clients: dict[str | None, aiohttp.ClientSession] = {}
        for number, (host, tenant, mount, rank) in mine:
            delay = began + number / options.spawn_rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            source = _source_address(host, number, options.per_address)
            http = clients.get(source)
            if http is None:
                http = clients[source] = await sessions.enter_async_context(_session(source))
            viewer = PushViewer(number, rank, http, host, tenant, mount, ledger, options, loading)
            tasks.append(asyncio.create_task(viewer.run()))
        ramp = time.perf_counter() - began
        # A full collection walking thousands of open connections stalls this loop for
        # a few hundred milliseconds, and the run would blame the server for the late
        # frames (or be marked generator-bound): collect rarely, as the services do.
        tune_gc()
        await asyncio.sleep(options.settle)
        # Page loads queue up under load: the window opens once every viewer streams (or
        # gives up waiting; those that do not stream by then are not measured).
        start = await clock.window_start(ledger, options.open_wait)
        delay = (start - now_ms()) / 1000
        if delay > 0:
            await asyncio.sleep(delay)
        ledger.window = Window(int(start), int(start + options.measure * 1000))
        ledger.complete = {i for i, t in enumerate(ledger.tracks) if t.connected}
        open_at_start = len({ledger.tracks[i].viewer for i in ledger.complete})
        meter.measuring = True
        await asyncio.sleep(options.measure)
        meter.measuring = False
        await asyncio.sleep(options.grace)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    meter_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await meter_task
    return PushPart(ledger, meter.summary(), round(ramp, 1), files, open_at_start)


def figures(options: PushOptions, parts: list[PushPart]) -> dict[str, Any]:
    """The run's figures from every process's part."""
    ledger = parts[0].ledger
    for part in parts[1:]:
        ledger.merge(part.ledger)
    generator = generator_summary([part.generator for part in parts])
    result: dict[str, Any] = {
        "viewers": options.viewers,
        "hosts": list(options.hosts),
        "ramp_seconds": max(part.ramp_seconds for part in parts),
        "open_files_limit": min(part.open_files_limit for part in parts),
        "streams_open_at_start": sum(part.streams_open_at_start for part in parts),
        **ledger.summary(),
        "generator": generator,
        "counted": not generator["bound"],
    }
    if generator["bound"]:
        result["note"] = "generator-bound, not counted"
    return result


async def run_push(options: PushOptions) -> dict[str, Any]:
    """Open every viewer in this process, measure a window, close them; the figures."""
    return figures(options, [await run_part(options)])
