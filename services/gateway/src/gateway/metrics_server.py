"""The internal ``/metrics`` listener, apart from the public port.

Metrics name every tenant and board the gateway served, so they are never on the port
browsers reach: a small HTTP server of prometheus-client's own listens on
``metrics_host:metrics_port`` (loopback by default) in the process that ``serve`` runs.
With several workers that is the supervising process, which sums the workers' files.
"""

from __future__ import annotations

import logging
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

_log = logging.getLogger("gateway.metrics")


def workers_registry(directory: str) -> CollectorRegistry:
    """A registry that adds up every worker's metric files under ``directory``."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return registry


def start_metrics_server(host: str, port: int, registry: Collector) -> WSGIServer:
    """Serve ``registry`` at ``http://host:port/metrics`` from a daemon thread."""
    server, _thread = start_http_server(port, addr=host, registry=registry)
    _log.info("metrics on http://%s:%d/metrics", host, server.server_port)
    return server
