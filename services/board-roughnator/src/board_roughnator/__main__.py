"""``python -m board_roughnator``: serve the board with uvicorn."""

from __future__ import annotations

from boardkit import serve

from board_roughnator.app import create_app
from board_roughnator.config import Settings


def main() -> None:
    """Run the service until interrupted."""
    serve(create_app, Settings)


if __name__ == "__main__":
    main()
