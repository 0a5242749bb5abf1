"""Typed sync and async clients for FIWARE QuantumLeap (history) and Orion (current state).

The caller owns the ``httpx.Client`` / ``httpx.AsyncClient`` and passes it in; every call
takes a :class:`FiwareContext` naming the tenant and service path. Errors are
:class:`NgsiError` subclasses only (see ``ngsi._exceptions`` for the tree).
"""

from ngsi._context import FiwareContext
from ngsi._exceptions import (
    ApiError,
    NgsiConnectError,
    NgsiError,
    NgsiTimeout,
    ResponseFormatError,
    TransportError,
)
from ngsi._models import EntitySeries, EntitySummary, Health
from ngsi._orion import AsyncOrionClient, OrionClient
from ngsi._quantumleap import AsyncQuantumLeapClient, QuantumLeapClient

__all__ = [
    "ApiError",
    "AsyncOrionClient",
    "AsyncQuantumLeapClient",
    "EntitySeries",
    "EntitySummary",
    "FiwareContext",
    "Health",
    "NgsiConnectError",
    "NgsiError",
    "NgsiTimeout",
    "OrionClient",
    "QuantumLeapClient",
    "ResponseFormatError",
    "TransportError",
]
