"""Bytes on the wire per board page, as Chromium counts them (CDP ``Network`` events).

Three visits per board, in one browser context as one user would make them: the first
visit (empty cache), a repeat visit of the same page, and a switch to the board from
another board of the same tenant. A visit is over when the page's first figure is drawn
and the network has been quiet for a moment; the live board's polls after that are not
page weight.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dazzler_stack import LocalStack
from dazzler_stack.testing import chromium, scratch_database

# The boards a tenant of the demo seed can switch between, with the services serving them.
BOARDS: dict[str, str] = {
    "roughnator": "board-roughnator",
    "sleuth": "board-sleuth",
    "fams": "board-fams",
}
TENANT = "demo"
# Drawn figures: the page is usable once the first one is there.
_FIGURE = ".js-plotly-plot .main-svg"
_QUIET_MS = 1500


@dataclass(slots=True)
class Visit:
    """What one page visit fetched: bytes on the wire (headers included) per URL."""

    url: str
    fetched: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.fetched.values())

    def largest(self, count: int = 5) -> list[tuple[str, int]]:
        """The ``count`` heaviest URLs, heaviest first (for failure messages)."""
        return sorted(self.fetched.items(), key=lambda item: -item[1])[:count]


@dataclass(frozen=True, slots=True)
class BoardWeight:
    """The three visits of one board."""

    board: str
    first_visit: Visit
    repeat_visit: Visit
    board_switch: Visit

    def figures(self) -> dict[str, int]:
        return {
            "first_visit_bytes": self.first_visit.total,
            "repeat_visit_bytes": self.repeat_visit.total,
            "board_switch_bytes": self.board_switch.total,
        }


def visit(context: Any, url: str, timeout: float = 60.0) -> Visit:
    """Open ``url`` in a new page of ``context`` and count what crossed the network."""
    page = context.new_page()
    session = context.new_cdp_session(page)
    urls: dict[str, str] = {}
    result = Visit(url)

    def sent(event: dict[str, Any]) -> None:
        urls[event["requestId"]] = event["request"]["url"]

    def finished(event: dict[str, Any]) -> None:
        name = urls.get(event["requestId"], event["requestId"])
        # Answers from the memory or disk cache report 0: nothing crossed the network.
        result.fetched[name] = result.fetched.get(name, 0) + int(event["encodedDataLength"])

    session.on("Network.requestWillBeSent", sent)
    session.on("Network.loadingFinished", finished)
    session.send("Network.enable")
    try:
        page.goto(url, wait_until="load", timeout=timeout * 1000)
        page.wait_for_selector(_FIGURE, timeout=timeout * 1000)
        with contextlib.suppress(Exception):
            # A live board polls: "idle" may never come, the figure is what matters.
            page.wait_for_load_state("networkidle", timeout=_QUIET_MS * 4)
        page.wait_for_timeout(_QUIET_MS)
        # Favicon and late requests may finish after the load event; count them now.
        session.send("Network.disable")
    finally:
        page.close()
    return result


def measure_boards(gateway: str, boards: Sequence[str], tenant: str = TENANT) -> list[BoardWeight]:
    """First visit, repeat visit and board switch for each of ``boards`` (at least two)."""
    if len(boards) < 2:
        raise ValueError("a board switch needs at least two boards")
    weights = []
    with chromium() as browser:
        for index, board in enumerate(boards):
            url = f"{gateway}/dazzler/{tenant}/-/{board}/"
            other = boards[(index + 1) % len(boards)]
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            try:
                first = visit(context, url)
                repeat = visit(context, url)
            finally:
                context.close()
            # A user who knows another board of the tenant already, then opens this one.
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            try:
                visit(context, f"{gateway}/dazzler/{tenant}/-/{other}/")
                switch = visit(context, url)
            finally:
                context.close()
            weights.append(BoardWeight(board, first, repeat, switch))
    return weights


@contextlib.contextmanager
def page_weight_stack(work: Path, boards: Sequence[str] = tuple(BOARDS)) -> Iterator[LocalStack]:
    """The simulator, registry (demo tenant seeded), the boards' services and the gateway."""
    services = ["sim", "generator", "registry", *{BOARDS[b] for b in boards}, "gateway"]
    suffix = secrets.token_hex(3)
    with (
        scratch_database("page_weight") as database,
        LocalStack(
            services,
            database_url=database,
            seed_demo=True,
            log_dir=work / "logs",
            env={
                "sim": {"DAZZLER_SIM_STORE": f"sqlite:{work / 'ql.sqlite'}"},
                "generator": {"DAZZLER_SIM_INTERVAL": "1", "DAZZLER_SIM_LOG_LEVEL": "warning"},
                "registry": {
                    "DAZZLER_REGISTRY_CACHE_PREFIX": f"dazzler:pageweight:{suffix}:",
                    "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
                },
                "gateway": {"DAZZLER_GATEWAY_LOG_LEVEL": "warning"},
            },
        ) as stack,
    ):
        yield stack


def report_lines(weights: Sequence[BoardWeight]) -> list[str]:
    """One ``board.figure: bytes`` line per board and figure."""
    return [
        f"{weight.board}.{name}: {value}"
        for weight in weights
        for name, value in weight.figures().items()
    ]
