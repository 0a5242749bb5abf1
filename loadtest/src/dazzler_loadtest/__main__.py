"""``uv run loadtest`` (or ``python -m dazzler_loadtest``): a bounded headless locust run."""

from __future__ import annotations

from dazzler_loadtest.cli import main

raise SystemExit(main())
