"""How ``python -m gateway`` serves: uvicorn's settings, worker processes and GC tuning."""

from __future__ import annotations

from typing import Any

import uvicorn
from settings_cli.collector import tune_gc
from settings_cli.logs import logging_config

from gateway.app import GatewayApp, create_app
from gateway.config import Settings, get_settings
from gateway.edge import EdgeLimits, configure
from gateway.metrics import shared_metrics_dir
from gateway.metrics_server import start_metrics_server, workers_registry


def log_config(settings: Settings) -> dict[str, Any]:
    """The shared logging setup (settings_cli.logs), applied in every worker."""
    return logging_config("gateway", settings.log_level, settings.log_format)


def edge_limits(settings: Settings) -> EdgeLimits:
    """Return the connection limits the settings ask for."""
    return EdgeLimits(
        max_head_bytes=settings.max_head_bytes,
        header_timeout=settings.header_timeout,
        max_connections=settings.max_connections,
        max_connections_per_client=settings.max_connections_per_client,
    )


def served_app(settings: Settings | None = None) -> GatewayApp:
    """Build the app for one serving process (the factory each worker imports)."""
    app = create_app(settings)
    configure(edge_limits(app.settings))
    tune_gc()
    return app


def serve(settings: Settings | None = None) -> None:
    """Serve the gateway on the configured host and port until interrupted."""
    settings = settings or get_settings()
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level.lower(),
        "log_config": log_config(settings),
        "access_log": False,
        "server_header": False,
        "date_header": False,
        "lifespan": "on",
        "loop": "uvloop",
        # uvicorn's httptools protocol inside the edge limits (gateway/edge.py).
        "http": "gateway.edge:EdgeProtocol",
        "timeout_keep_alive": settings.keep_alive_timeout,
        # The gateway is the public door: the client address is the peer's, never a
        # header's (it adds X-Forwarded-For for the boards itself).
        "proxy_headers": False,
    }
    if settings.workers > 1:
        # Each worker is a fresh interpreter that reads the same environment, including
        # the metrics directory that lets one scrape count every worker.
        with shared_metrics_dir() as directory:
            metrics = start_metrics_server(
                settings.metrics_host, settings.metrics_port, workers_registry(directory)
            )
            try:
                uvicorn.run(
                    "gateway.serving:served_app", factory=True, workers=settings.workers, **options
                )
            finally:
                metrics.shutdown()
    else:
        app = served_app(settings)
        metrics = start_metrics_server(
            settings.metrics_host, settings.metrics_port, app.metrics.registry
        )
        try:
            uvicorn.run(app, **options)
        finally:
            metrics.shutdown()
