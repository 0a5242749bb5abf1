"""The load test's own options, shared by the locustfile and the ``uv run loadtest`` CLI."""

from __future__ import annotations

import argparse
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

DEFAULT_BOARDS = "roughnator=1"
PATH_TEMPLATE = "/dazzler/{tenant}/-/{mount}/"
# A run that forgets its bounds must still end: these are the most it may ask for.
MAX_USERS = 20_000
MAX_SECONDS = 3 * 3600


class BadOptions(ValueError):
    """An option value the load test cannot use."""


HOME = "home"
HOME_BOARD = "demo"


def board_prefix(template: str, tenant: str, mount: str) -> str:
    """The page path of one board; mount ``home`` is the board at the tenant's home."""
    path = template.format(tenant=tenant, mount="" if mount == HOME else mount)
    while "//" in path:
        path = path.replace("//", "/")
    return path


def board_slug(mount: str) -> str:
    """The board slug a mount path serves when the tenant was seeded like ``demo``."""
    return HOME_BOARD if mount == HOME else mount.split("/")[0]


def assign(
    tenants: Sequence[str],
    boards: Mapping[str, float],
    how: str,
    number: int,
    rng: random.Random,
) -> tuple[str, str]:
    """The tenant and board mount of viewer ``number``: ``roundrobin`` spreads viewers
    evenly over every (tenant, board) pair in order; ``random`` draws the tenant evenly
    and the board by its weight."""
    if how == "roundrobin":
        combos = [(t, b) for b in boards for t in tenants]
        return combos[number % len(combos)]
    names = list(boards)
    return rng.choice(list(tenants)), rng.choices(names, [boards[n] for n in names])[0]


def parse_duration(text: str) -> float:
    """``"90"``, ``"90s"``, ``"5m"``, ``"1h30m"`` → seconds."""
    total, number = 0.0, ""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0}
    for char in text.strip():
        if char.isdigit() or char == ".":
            number += char
        elif char in units and number:
            total += float(number) * units[char]
            number = ""
        else:
            raise BadOptions(f"not a duration: {text!r}")
    if number:
        total += float(number)
    if total <= 0:
        raise BadOptions(f"not a positive duration: {text!r}")
    return total


def parse_weights(text: str) -> dict[str, float]:
    """``"roughnator=3,sleuth=1"`` (a bare name weighs 1) → ``{"roughnator": 3.0, …}``."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            raise BadOptions(f"weight of {name!r} is not a number: {weight!r}") from None
        if value < 0:
            raise BadOptions(f"weight of {name!r} is negative")
        if value:
            weights[name.strip()] = value
    if not weights:
        raise BadOptions("no board has a positive weight")
    return weights


def parse_tenants(text: str) -> list[str]:
    """``"demo,acme"`` → ``["demo", "acme"]``; ``"lt{1..20}"`` expands to 20 tenants."""
    tenants: list[str] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "{" in part and part.endswith("}") and ".." in part:
            stem, _, span = part[:-1].partition("{")
            low, _, high = span.partition("..")
            tenants.extend(f"{stem}{n}" for n in range(int(low), int(high) + 1))
        else:
            tenants.append(part)
    if not tenants:
        raise BadOptions("no tenant given")
    return tenants


def check_host(host: str, allowed: str | None = None) -> str:
    """Refuse any target but loopback or the one URL given explicitly with ``allowed``."""
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadOptions(f"host must be an http(s) URL, got {host!r}")
    loopback = parts.hostname in ("localhost", "::1") or parts.hostname.startswith("127.")
    if not loopback and host.rstrip("/") != (allowed or "").rstrip("/"):
        raise BadOptions(
            f"{host} is not on this machine; pass the same URL to --allow-host to target it"
        )
    return host.rstrip("/")


def add_spread_arguments(group: Any, *, assign: str = "random") -> None:
    """Who the viewers are: ``--tenants``, ``--boards`` and how viewers are spread."""
    group.add_argument(
        "--tenants",
        default="demo",
        help="Tenants the viewers open, comma separated; 'lt{1..20}' expands (default demo).",
    )
    group.add_argument(
        "--boards",
        default=DEFAULT_BOARDS,
        help="Board mount paths with weights, e.g. 'roughnator=3,sleuth=1'; 'home' is the "
        "board mounted at the tenant's home (demo's demo board).",
    )
    group.add_argument(
        "--assign",
        choices=["random", "roundrobin"],
        default=assign,
        help="How viewers are spread over tenants and boards (roundrobin: evenly, in order; "
        f"default {assign}).",
    )


def add_arguments(parser: Any) -> None:
    """Register the options on locust's parser (they show in ``locust --help``)."""
    group = parser.add_argument_group("Dazzler viewers")
    add_spread_arguments(group)
    group.add_argument(
        "--hidden-share",
        type=float,
        default=0.2,
        help="Share of viewers whose tab is hidden: their timers fire once a minute.",
    )
    group.add_argument(
        "--hidden-period",
        type=float,
        default=60.0,
        help="Seconds between the ticks of a hidden tab (browsers throttle to one a minute).",
    )
    group.add_argument(
        "--interaction-every",
        type=float,
        default=120.0,
        help="Mean seconds between a viewer's interactions (0: never): another entity or "
        "time window, or a CSV download.",
    )
    group.add_argument(
        "--path-template",
        default=PATH_TEMPLATE,
        help="Board page path; {tenant} and {mount} are filled in ('/' for a board service "
        "reached directly, which then needs --sign-context).",
    )
    group.add_argument(
        "--sign-context",
        action="store_true",
        help="Sign the tenant context here (secret from DAZZLER_SHARED_SECRET), as the "
        "gateway would: for a board reached directly or through another proxy.",
    )
    group.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="Seconds after all viewers started before statistics restart (0: keep all).",
    )
    group.add_argument(
        "--allow-host",
        default=None,
        help="The one URL off this machine that may be targeted (loopback always may).",
    )
    group.add_argument(
        "--no-index",
        action="store_true",
        help="Skip the HTML index on page load (only _dash-layout, dependencies, callbacks).",
    )


@dataclass(frozen=True, slots=True)
class ViewerOptions:
    """The parsed options every viewer reads."""

    tenants: tuple[str, ...]
    boards: dict[str, float]
    assign: str
    hidden_share: float
    hidden_period: float
    interaction_every: float
    path_template: str
    sign_context: bool
    settle: float
    index: bool

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> ViewerOptions:
        if not 0.0 <= ns.hidden_share <= 1.0:
            raise BadOptions("--hidden-share must be between 0 and 1")
        if ns.hidden_period <= 0 or ns.interaction_every < 0 or ns.settle < 0:
            raise BadOptions("periods and --settle must not be negative")
        return cls(
            tenants=tuple(parse_tenants(ns.tenants)),
            boards=parse_weights(ns.boards),
            assign=ns.assign,
            hidden_share=ns.hidden_share,
            hidden_period=ns.hidden_period,
            interaction_every=ns.interaction_every,
            path_template=ns.path_template,
            sign_context=ns.sign_context,
            settle=ns.settle,
            index=not ns.no_index,
        )
