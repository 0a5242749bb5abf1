"""Command line: ``python -m dazzler_stack run`` and ``... build-command SERVICE``."""

from __future__ import annotations

import argparse
import sys

from dazzler_stack.catalogue import UnknownService, docker_build_command, service_spec
from dazzler_stack.config import get_settings
from dazzler_stack.local import CommandFailed
from dazzler_stack.procfile import ProcfileError
from dazzler_stack.run import run


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m dazzler_stack")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run",
        help="start the whole stack locally (settings: DAZZLER_PORT, DAZZLER_STACK_*, "
        "DATABASE_URL, REDIS_URL)",
    )
    build = commands.add_parser(
        "build-command",
        help="print the `docker build` command of a service's image (pipe it to sh)",
    )
    build.add_argument("service", help="a service of the catalogue, e.g. board-demo")
    build.add_argument("--tag", default="latest", help="the image tag (default: latest)")
    args = parser.parse_args(argv)
    if args.command == "build-command":
        try:
            print(docker_build_command(service_spec(args.service), args.tag))
        except UnknownService as exc:
            print(f"dazzler_stack: {exc}", file=sys.stderr)
            return 2
        return 0
    try:
        return run(get_settings())
    except (ProcfileError, CommandFailed) as exc:
        print(f"dazzler_stack: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
