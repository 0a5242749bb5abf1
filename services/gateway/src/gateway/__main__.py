"""``python -m gateway``: serve the gateway with uvicorn."""

from __future__ import annotations

from gateway.serving import serve


def main() -> None:
    """Run the gateway on the configured host and port until interrupted."""
    serve()


if __name__ == "__main__":
    main()
