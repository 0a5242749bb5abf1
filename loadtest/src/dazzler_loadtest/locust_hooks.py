"""Locust event hooks: read the viewers' options, restart statistics once warmed up."""

from __future__ import annotations

from typing import Any

import gevent

from dazzler_loadtest.options import BadOptions, ViewerOptions, add_arguments, check_host
from dazzler_loadtest.viewers import Viewer


def install(events: Any) -> None:
    """Attach the options and hooks to locust's ``events``."""
    seen: dict[str, Any] = {}

    def options(parser: Any, **_kwargs: Any) -> None:
        add_arguments(parser)

    def init(environment: Any, **_kwargs: Any) -> None:
        seen["environment"] = environment
        parsed = environment.parsed_options
        if parsed is None:
            return
        try:
            Viewer.options = ViewerOptions.from_namespace(parsed)
            if environment.host:
                check_host(environment.host, parsed.allow_host)
        except BadOptions as exc:
            raise SystemExit(f"loadtest: {exc}") from None

    def start(environment: Any, **_kwargs: Any) -> None:
        if not environment.host:
            raise SystemExit("loadtest: --host is required")

    def spawned(user_count: int, **_kwargs: Any) -> None:
        # Page loads and the first ticks are not steady polling: with --settle the
        # statistics start over once every viewer has been polling for a while.
        settings = Viewer.options
        runner = getattr(seen.get("environment"), "runner", None)
        if settings is not None and settings.settle and runner is not None:
            gevent.spawn_later(settings.settle, runner.stats.reset_all)

    events.init_command_line_parser.add_listener(options)
    events.init.add_listener(init)
    events.test_start.add_listener(start)
    events.spawning_complete.add_listener(spawned)
