"""``python -m board_insight``: serve the insight boards with uvicorn."""

from __future__ import annotations

from boardkit import serve

from board_insight.app import create_app
from board_insight.config import Settings


def main() -> None:
    """Run the service until interrupted."""
    serve(create_app, Settings)


if __name__ == "__main__":
    main()
