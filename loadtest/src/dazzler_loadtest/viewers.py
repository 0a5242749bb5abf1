"""Locust users: people with a board open in a browser tab.

A viewer loads the page, then lets the page's intervals tick, each first due at a random
phase within its period (locust's ``constant_pacing`` would line every viewer up in the
same window each period and turn steady polling into bursts). A share of viewers have the
tab hidden, so their timers fire once a minute; now and then a viewer picks another
entity or time window, or downloads the CSV.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from typing import Any

from locust import HttpUser, task
from locust.exception import StopUser
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from dazzler_loadtest.dash_model import PageFormatError
from dazzler_loadtest.options import ViewerOptions, assign, board_prefix, board_slug
from dazzler_loadtest.session import BoardSession, RequestFailed, Ticker
from dazzler_loadtest.signing import Signer

OK_STATUSES = (200, 204)
# After a failed page load the viewer waits this long and reloads, as a person would.
RELOAD_DELAY = 5.0


class LocustTransport:
    """Sends a session's requests with locust's client, so they land in its statistics."""

    def __init__(self, user: HttpUser, base: str, headers: dict[str, str]) -> None:
        self.user = user
        self.base = base
        self.headers = headers
        self.signer: Any = None

    def _headers(self, method: str) -> dict[str, str]:
        return {**self.headers, **(self.signer(method) if self.signer else {})}

    def get(self, path: str, name: str) -> Any:
        with self.user.client.get(
            self.base + path, name=name, headers=self._headers("GET"), catch_response=True
        ) as response:
            if response.status_code not in OK_STATUSES:
                response.failure(_why(response))
                raise RequestFailed(name)
            if not path.startswith("_dash"):
                return response.text
            try:
                return response.json()
            except ValueError:
                response.failure("body is not JSON")
                raise RequestFailed(name) from None

    def post(self, path: str, body: dict[str, Any], name: str) -> Any:
        with self.user.client.post(
            self.base + path,
            json=body,
            name=name,
            headers=self._headers("POST"),
            catch_response=True,
        ) as response:
            if response.status_code == 204:
                return None
            if response.status_code != 200:
                response.failure(_why(response))
                raise RequestFailed(name)
            try:
                return response.json()
            except ValueError:
                response.failure("body is not JSON")
                raise RequestFailed(name) from None


def _why(response: Any) -> str:
    if response.status_code:
        return f"HTTP {response.status_code}"
    return f"no answer: {type(response.error).__name__}: {response.error}"[:200]


_counter = itertools.count()


def keep_browser_retries(client: Any) -> None:
    """Retry once when a reused keep-alive connection turns out closed, as browsers do.

    Servers close idle connections (uvicorn after 5 s, the poll interval), and a poll can
    race that close; a browser resends such a request silently instead of failing it.
    """
    retry = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=None)
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=4)
    client.mount("http://", adapter)
    client.mount("https://", adapter)


class Viewer(HttpUser):
    """A person with one board open: page load, then live polling, sometimes a click."""

    options: ViewerOptions | None = None

    def on_start(self) -> None:
        keep_browser_retries(self.client)
        options = self.options
        if options is None:
            raise StopUser()
        number = next(_counter)
        self.rng = random.Random()
        self.tenant, self.board = assign(
            options.tenants, options.boards, options.assign, number, self.rng
        )
        # An even spread of hidden tabs, whatever the number of viewers.
        share = options.hidden_share
        self.hidden = int((number + 1) * share) > int(number * share)
        prefix = board_prefix(options.path_template, self.tenant, self.board)
        transport = LocustTransport(self, prefix, {"Accept-Encoding": "gzip"})
        if options.sign_context:
            secret = os.environ.get("DAZZLER_SHARED_SECRET", "")
            transport.signer = Signer(self.tenant, board_slug(self.board), prefix, secret)
        self.session = BoardSession(transport, index=options.index)
        self.tickers: list[Ticker] = []
        self.reload_at = 0.0
        self._open()

    def _open(self) -> None:
        assert self.options is not None
        try:
            self.session.load()
        except (RequestFailed, PageFormatError, json.JSONDecodeError):
            self.session.page = None
            self.reload_at = time.monotonic() + RELOAD_DELAY
            return
        slowest = self.options.hidden_period if self.hidden else 0.0
        self.tickers = self.session.tickers(time.monotonic(), self.rng, slowest=slowest)

    def wait_time(self) -> float:
        now = time.monotonic()
        if self.session.page is None:
            return max(0.0, self.reload_at - now)
        if not self.tickers:
            return 60.0
        return max(0.0, min(t.due for t in self.tickers) - now)

    @task
    def live(self) -> None:
        """Whatever is due now: a reload after a failure, or the intervals' ticks."""
        if self.session.page is None:
            if time.monotonic() >= self.reload_at:
                self._open()
            return
        assert self.options is not None
        for ticker in sorted(self.tickers, key=lambda t: t.due):
            now = time.monotonic()
            if ticker.due > now:
                continue
            try:
                self.session.tick(ticker)
                if self._wants_interaction(ticker.period):
                    self._interact()
            except (RequestFailed, PageFormatError):
                pass
            ticker.advance(time.monotonic())

    def _wants_interaction(self, period: float) -> bool:
        assert self.options is not None
        every = self.options.interaction_every
        if not every or self.hidden:
            return False
        return self.rng.random() < period / every

    def _interact(self) -> None:
        found = self.session.interactions()
        if found:
            _name, act = self.rng.choice(found)
            act(self.rng)
