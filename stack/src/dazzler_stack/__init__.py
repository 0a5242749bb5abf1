"""Start and stop Dazzler's services as local processes: `make run`, and tests.

:class:`LocalStack` starts any subset of the services on free loopback ports, wired to
each other and to the given PostgreSQL/Redis, and waits until each is ready.
"""

from dazzler_stack.catalogue import (
    ALL_SERVICES,
    BOARD_SERVICES,
    SERVICES,
    ServiceSpec,
    UnknownService,
    service_spec,
)
from dazzler_stack.health import NotReady, wait_ready
from dazzler_stack.local import CommandFailed, LocalStack
from dazzler_stack.ports import free_port, free_ports
from dazzler_stack.wiring import Backing, Layout, gateway_upstreams, service_env

__all__ = [
    "ALL_SERVICES",
    "BOARD_SERVICES",
    "SERVICES",
    "Backing",
    "CommandFailed",
    "Layout",
    "LocalStack",
    "NotReady",
    "ServiceSpec",
    "UnknownService",
    "free_port",
    "free_ports",
    "gateway_upstreams",
    "service_env",
    "service_spec",
    "wait_ready",
]
