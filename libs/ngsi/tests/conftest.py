"""Shared fixtures: sync and async clients over httpx.MockTransport, and the QL captures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from ngsi import AsyncOrionClient, AsyncQuantumLeapClient, OrionClient, QuantumLeapClient

BASE_URL = "http://backend.test"
Handler = Callable[[httpx.Request], httpx.Response]
Invoke = Callable[..., Any]


class Backend:
    """A MockTransport handler that records every request it answers."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def _invoker(kind: str, sync_cls: type, async_cls: type) -> Callable[..., Invoke]:
    def make(handler: Handler, **client_options: Any) -> Invoke:
        client_options.setdefault("backoff", 0)

        def invoke(method: str, *args: Any, **kwargs: Any) -> Any:
            transport = httpx.MockTransport(handler)
            if kind == "sync":
                with httpx.Client(base_url=BASE_URL, transport=transport) as http:
                    return getattr(sync_cls(http, **client_options), method)(*args, **kwargs)

            async def run() -> Any:
                async with httpx.AsyncClient(base_url=BASE_URL, transport=transport) as http:
                    client = async_cls(http, **client_options)
                    return await getattr(client, method)(*args, **kwargs)

            return asyncio.run(run())

        return invoke

    return make


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """Every client test runs against the sync and the async client."""
    param: str = request.param
    return param


@pytest.fixture
def make_ql(kind: str) -> Callable[..., Invoke]:
    """``make_ql(handler, **options)("entity_series", ctx, ...)`` calls a QL client."""
    return _invoker(kind, QuantumLeapClient, AsyncQuantumLeapClient)


@pytest.fixture
def make_orion(kind: str) -> Callable[..., Invoke]:
    """``make_orion(handler, **options)("list_entities", ctx, ...)`` calls an Orion client."""
    return _invoker(kind, OrionClient, AsyncOrionClient)


@pytest.fixture
def recorder() -> type[Backend]:
    """``recorder(handler)``: a MockTransport handler keeping the requests it saw."""
    return Backend
