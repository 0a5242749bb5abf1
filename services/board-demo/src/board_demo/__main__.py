"""``python -m board_demo``: serve the showcase with uvicorn."""

from __future__ import annotations

from boardkit import serve

from board_demo.app import create_app
from board_demo.config import Settings


def main() -> None:
    """Run the service until interrupted."""
    serve(create_app, Settings)


if __name__ == "__main__":
    main()
