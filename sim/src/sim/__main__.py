"""Entry point of `python -m sim`."""

from __future__ import annotations

from sim.cli import app

if __name__ == "__main__":
    app()
