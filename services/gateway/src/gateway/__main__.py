"""``python -m gateway``: serve the gateway with uvicorn."""

from __future__ import annotations

import logging
import sys

import uvicorn

from gateway.app import create_app
from gateway.config import get_settings


def main() -> None:
    """Run the gateway on the configured host and port until interrupted."""
    settings = get_settings()
    access = logging.getLogger("gateway.access")
    handler = logging.StreamHandler(sys.stdout)
    # The access log lines are JSON already.
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.propagate = False
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    access.setLevel(settings.log_level.upper())
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        server_header=False,
        date_header=False,
        lifespan="on",
    )


if __name__ == "__main__":
    main()
