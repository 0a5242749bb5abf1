"""The command line: validate the bounds and the target, then run locust headless."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from dazzler_loadtest import push_cli
from dazzler_loadtest.options import (
    MAX_SECONDS,
    MAX_USERS,
    BadOptions,
    ViewerOptions,
    add_arguments,
    check_host,
    parse_duration,
)

LOCUSTFILE = Path(__file__).with_name("locustfile.py")

DESCRIPTION = """\
Simulate people watching Dazzler boards: each viewer opens a board page (index,
_dash-layout, _dash-dependencies, the initial callbacks), then polls once per interval
from a random start phase, replaying the board's real _dash-update-component requests.
Locust's CSV statistics go to --csv PREFIX (PREFIX_stats.csv, PREFIX_failures.csv, ...).
Only loopback, or the one URL given with --allow-host, is targeted; every run is bounded
in users and time. `loadtest push --help`: the load generator for pushed live updates.
"""

EPILOG = """\
examples:
  uv run loadtest --host http://127.0.0.1:8000 --users 50 --time 60s
  uv run loadtest --host http://127.0.0.1:8000 --users 500 --spawn-rate 50 --time 5m \\
      --tenants 'lt{1..20}' --boards roughnator=3,sleuth=1 --csv var/loadtest/run
  DAZZLER_SHARED_SECRET=... uv run loadtest --host http://127.0.0.1:8101 \\
      --path-template / --sign-context --users 100 --time 30s
"""


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``uv run loadtest``."""
    parser = argparse.ArgumentParser(
        prog="loadtest",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run = parser.add_argument_group("run")
    run.add_argument("--host", required=True, help="Base URL: the gateway, a proxy or a board.")
    run.add_argument("--users", type=int, default=10, help=f"Viewers (1 to {MAX_USERS}).")
    run.add_argument(
        "--spawn-rate",
        type=float,
        default=0.0,
        help="Viewers started per second (default: all within 10 s).",
    )
    run.add_argument("--time", default="60s", help="Run time, e.g. 30s, 5m (at most 3 h).")
    run.add_argument("--csv", default=None, help="Prefix of locust's CSV statistics files.")
    run.add_argument("--html", default=None, help="Also write locust's HTML report here.")
    run.add_argument("--loglevel", default="WARNING", help="Locust's log level.")
    add_arguments(parser)
    return parser


def locust_command(args: argparse.Namespace) -> list[str]:
    """The locust command line for parsed ``args`` (after validation)."""
    seconds = parse_duration(args.time)
    if not 1 <= args.users <= MAX_USERS:
        raise BadOptions(f"--users must be between 1 and {MAX_USERS}")
    if seconds > MAX_SECONDS:
        raise BadOptions("--time is longer than 3 h")
    host = check_host(args.host, args.allow_host)
    ViewerOptions.from_namespace(args)
    rate = args.spawn_rate or max(1.0, args.users / 10.0)
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--host", host, "--users", str(args.users), "--spawn-rate", f"{rate:g}",
        "--run-time", f"{seconds:g}s", "--stop-timeout", "5", "--only-summary",
        "--loglevel", args.loglevel,
        "--tenants", args.tenants, "--boards", args.boards, "--assign", args.assign,
        "--hidden-share", f"{args.hidden_share:g}", "--hidden-period", f"{args.hidden_period:g}",
        "--interaction-every", f"{args.interaction_every:g}",
        "--path-template", args.path_template, "--settle", f"{args.settle:g}",
    ]  # fmt: skip
    if args.allow_host:
        command += ["--allow-host", args.allow_host]
    if args.sign_context:
        command.append("--sign-context")
    if args.no_index:
        command.append("--no-index")
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
        command += ["--csv", args.csv]
    if args.html:
        command += ["--html", args.html]
    return command


def main(argv: Sequence[str] | None = None) -> int:
    """Run locust (its exit code is ours: 1 when any request failed), or with ``push``
    first, the push load generator."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["push"]:
        return push_cli.main(arguments[1:])
    parser = build_parser()
    args = parser.parse_args(arguments)
    try:
        command = locust_command(args)
    except BadOptions as exc:
        parser.error(str(exc))
    return subprocess.run(command, check=False).returncode
