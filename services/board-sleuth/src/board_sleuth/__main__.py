"""``python -m board_sleuth``: serve the boards with uvicorn."""

from __future__ import annotations

from boardkit import serve

from board_sleuth.app import create_app
from board_sleuth.config import Settings


def main() -> None:
    """Run the service until interrupted."""
    serve(create_app, Settings)


if __name__ == "__main__":
    main()
