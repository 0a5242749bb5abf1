"""``python -m registry``."""

from __future__ import annotations

from registry.cli import app

app(prog_name="python -m registry")
