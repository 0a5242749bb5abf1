"""``python -m board_monitor``: serve the board with uvicorn."""

from __future__ import annotations

from boardkit import serve

from board_monitor.app import create_app
from board_monitor.config import Settings


def main() -> None:
    """Run the service until interrupted."""
    serve(create_app, Settings)


if __name__ == "__main__":
    main()
