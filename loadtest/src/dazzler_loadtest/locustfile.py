"""The locustfile: Dazzler viewers plus the options and hooks they need.

Run it through ``uv run loadtest`` (bounded, headless) or directly with
``uv run locust -f loadtest/locustfile.py --host URL``.
"""

from __future__ import annotations

from locust import events

from dazzler_loadtest.locust_hooks import install
from dazzler_loadtest.viewers import Viewer

__all__ = ["Viewer"]

install(events)
