"""``loadtest push``: hold N live board streams open, print what they received as JSON."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import orjson

from dazzler_loadtest.options import (
    MAX_SECONDS,
    MAX_USERS,
    PATH_TEMPLATE,
    BadOptions,
    add_spread_arguments,
    check_host,
    parse_duration,
    parse_tenants,
    parse_weights,
)
from dazzler_loadtest.push import PushOptions
from dazzler_loadtest.push_processes import run

# More processes than cores only adds switching.
MAX_PROCESSES = 16

DESCRIPTION = """\
Open N viewers of Dazzler boards with pushed live updates: each loads its board page
(index, _dash-layout, _dash-dependencies, the entity list), then holds the board's
server-sent events stream, reconnecting with backoff and catch-up as the page does.
Once every viewer streams (--settle seconds at least, --open-wait at most
after that) the window of --measure seconds starts: the lag of every point
(receive time minus the time the simulator stamped on it), drops, duplicates, reconnects
and errors are counted, and the generator's own CPU is sampled; a run where the
generator (any of its --processes) was busy over 85 % of a core or its event loop ran
over 200 ms late is marked "generator-bound, not counted". Prints
one JSON object. Only loopback, or the one URL given with --allow-host, is targeted.
"""

EPILOG = """\
examples:
  uv run loadtest push --host http://127.0.0.1:8000 --viewers 100 --measure 20s
  uv run loadtest push --host http://127.0.0.1:8000 --viewers 5000 --spawn-rate 200 \\
      --tenants 'bench{1..9},demo' --boards roughnator=3,sleuth=1 --out var/push.json
  DAZZLER_SHARED_SECRET=... uv run loadtest push --host http://127.0.0.1:8101 \\
      --host http://127.0.0.1:8111 --path-template / --sign-context --viewers 1000
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loadtest push",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        action="append",
        required=True,
        help="Base URL (gateway, proxy or board); repeat it to spread viewers over several.",
    )
    parser.add_argument("--viewers", type=int, default=10, help=f"Viewers (1 to {MAX_USERS}).")
    parser.add_argument("--spawn-rate", type=float, default=100.0, help="Viewers opened a second.")
    parser.add_argument("--settle", default="5s", help="Wait after the last viewer opened.")
    parser.add_argument("--measure", default="20s", help="The measured window.")
    parser.add_argument(
        "--open-wait",
        default="60s",
        help="After --settle, the longest wait for every viewer's stream to open.",
    )
    parser.add_argument(
        "--grace", default="5s", help="After the window: time for its last points to arrive."
    )
    add_spread_arguments(parser, assign="roundrobin")
    parser.add_argument(
        "--series",
        action="append",
        default=[],
        metavar="BOARD=KEY[+KEY]",
        help="Series a board's viewers follow instead of the board's own (e.g. 'sleuth=*').",
    )
    parser.add_argument("--path-template", default=PATH_TEMPLATE, help="Board page path.")
    parser.add_argument(
        "--sign-context",
        action="store_true",
        help="Sign the tenant context (secret from DAZZLER_SHARED_SECRET) for a board reached "
        "directly.",
    )
    parser.add_argument("--no-index", action="store_true", help="Skip the HTML index.")
    parser.add_argument(
        "--loading",
        type=int,
        default=32,
        help="Page loads in flight at once; other viewers wait their turn (default 32).",
    )
    parser.add_argument(
        "--per-address",
        type=int,
        default=50,
        help="Viewers per source address on loopback targets (127.0.x.y; the gateway limits "
        "connections per client address); 0: every viewer from the default address.",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="Generator processes, each with its own event loop and every N-th viewer "
        f"(1 to {MAX_PROCESSES}); their CPU is reported and any bound one marks the run.",
    )
    parser.add_argument("--seed", type=int, default=None, help="Seed of the random spread.")
    parser.add_argument("--allow-host", default=None, help="The one URL off this machine allowed.")
    parser.add_argument("--out", type=Path, default=None, help="Also write the JSON here.")
    return parser


def parse_series(items: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``["sleuth=*", "fams=panel:workers+panel:interventions"]`` → per board series."""
    found: dict[str, tuple[str, ...]] = {}
    for item in items:
        board, _, keys = item.partition("=")
        series = tuple(k for k in keys.split("+") if k)
        if not board or not series:
            raise BadOptions(f"--series wants BOARD=KEY[+KEY], got {item!r}")
        if len(series) > 12:
            raise BadOptions(f"--series {board}: at most 12 series per stream")
        found[board] = series
    return found


def push_options(args: argparse.Namespace) -> PushOptions:
    """Validated options of one run."""
    if not 1 <= args.viewers <= MAX_USERS:
        raise BadOptions(f"--viewers must be between 1 and {MAX_USERS}")
    if args.spawn_rate <= 0:
        raise BadOptions("--spawn-rate must be positive")
    if args.loading < 1:
        raise BadOptions("--loading must be at least 1")
    if args.per_address < 0:
        raise BadOptions("--per-address must not be negative")
    if not 1 <= args.processes <= MAX_PROCESSES:
        raise BadOptions(f"--processes must be between 1 and {MAX_PROCESSES}")
    if args.processes > args.viewers:
        raise BadOptions("--processes must not exceed --viewers")
    settle, measure, grace, open_wait = (
        parse_duration(v) for v in (args.settle, args.measure, args.grace, args.open_wait)
    )
    if settle + measure + grace + args.viewers / args.spawn_rate > MAX_SECONDS:
        raise BadOptions("the run would be longer than 3 h")
    secret = None
    if args.sign_context:
        secret = os.environ.get("DAZZLER_SHARED_SECRET", "")
        if not secret:
            raise BadOptions("--sign-context needs DAZZLER_SHARED_SECRET")
    return PushOptions(
        hosts=tuple(check_host(h, args.allow_host) for h in args.host),
        viewers=args.viewers,
        tenants=tuple(parse_tenants(args.tenants)),
        boards=parse_weights(args.boards),
        assign=args.assign,
        spawn_rate=args.spawn_rate,
        settle=settle,
        measure=measure,
        grace=grace,
        open_wait=open_wait,
        per_address=args.per_address,
        loading=args.loading,
        processes=args.processes,
        path_template=args.path_template,
        secret=secret,
        index=not args.no_index,
        series=parse_series(args.series),
        seed=args.seed,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run; exit 1 when any error, drop or duplicate was seen, 0 otherwise."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        options = push_options(args)
    except BadOptions as exc:
        parser.error(str(exc))
    result = run(options)
    text = orjson.dumps(result, option=orjson.OPT_INDENT_2).decode()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    sys.stdout.write(text + "\n")
    clean = not (result["errors"] or result["drops"] or result["duplicates"])
    return 0 if clean else 1
