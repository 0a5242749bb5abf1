"""Entry point for ``uv run locust -f loadtest/locustfile.py``; the code is in the package."""

from dazzler_loadtest.locustfile import Viewer

__all__ = ["Viewer"]
