"""``python -m gateway``: serve the gateway with uvicorn."""

from __future__ import annotations

from settings_cli import load_settings

from gateway.config import Settings, get_settings
from gateway.serving import serve


def main() -> None:
    """Run the gateway on the configured host and port until interrupted."""
    settings = load_settings(
        get_settings,
        Settings,
        prog="python -m gateway",
        description="Serve the Dazzler gateway: /dazzler/<tenant>/-/<board>/ to the boards.",
    )
    serve(settings)


if __name__ == "__main__":
    main()
