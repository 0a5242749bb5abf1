"""Running a call plan over httpx, sync or async, with retries for reads.

A *plan* is a generator that yields the :class:`Call` it needs made, receives the
``httpx.Response`` and finally returns the parsed result. Plans hold all the protocol
logic (query building, paging, parsing) as pure code; the two runners here are the only
code that differs between the sync and the async clients.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from tenacity import (
    AsyncRetrying,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from ngsi._context import FiwareContext
from ngsi._errors import translate_errors
from ngsi._exceptions import TransportError

T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One HTTP exchange a plan needs."""

    method: str
    path: str
    ctx: FiwareContext
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # Reads may be sent again after a transport error; writes never are, since the
    # first attempt may have reached the server.
    idempotent: bool = True


Plan = Generator[Call, httpx.Response, T]


def segment(value: str) -> str:
    """One URL path segment: an entity id, type or attribute name, percent-encoded."""
    if not value:
        raise ValueError("ids, types and attribute names must not be empty")
    return quote(value, safe=":")


@dataclass(frozen=True)
class RetryPolicy:
    """How reads are retried on transport errors: attempts in all, and the first wait."""

    attempts: int = 3
    backoff: float = 0.2

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.backoff < 0:
            raise ValueError("backoff must not be negative")

    def _kwargs(self, call: Call) -> dict[str, Any]:
        return {
            "stop": stop_after_attempt(self.attempts if call.idempotent else 1),
            "wait": wait_exponential(multiplier=self.backoff, max=max(self.backoff * 8, 0)),
            "retry": retry_if_exception_type(TransportError),
            "reraise": True,
        }


def _build(http: httpx.Client | httpx.AsyncClient, call: Call) -> httpx.Request:
    headers = call.ctx.http_headers()
    headers.update(call.headers)
    with translate_errors():
        return http.build_request(
            call.method,
            call.path,
            params=dict(call.params) if call.params else None,
            json=call.json,
            headers=headers,
            timeout=call.ctx.timeout if call.ctx.timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )


def _start(plan: Plan[T]) -> tuple[Call | None, T | None]:
    """Run the plan to its first call. Not translated: argument checks happen here and
    their ValueError is the caller's to see."""
    try:
        return next(plan), None
    except StopIteration as stop:
        return None, stop.value


def _advance(plan: Plan[T], response: httpx.Response) -> tuple[Call | None, T | None]:
    """Feed the plan its answer; return its next call, or its result when it is done."""
    try:
        with translate_errors():
            call = plan.send(response)
    except StopIteration as stop:
        return None, stop.value
    return call, None


def run_sync(http: httpx.Client, plan: Plan[T], retry: RetryPolicy) -> T:
    """Drive ``plan`` to completion over a sync httpx client."""
    call, result = _start(plan)
    while call is not None:
        response: httpx.Response | None = None
        for attempt in Retrying(**retry._kwargs(call)):
            with attempt, translate_errors():
                response = http.send(_build(http, call))
        assert response is not None
        call, result = _advance(plan, response)
    return result  # type: ignore[return-value]


async def run_async(http: httpx.AsyncClient, plan: Plan[T], retry: RetryPolicy) -> T:
    """Drive ``plan`` to completion over an async httpx client."""
    call, result = _start(plan)
    while call is not None:
        response: httpx.Response | None = None
        async for attempt in AsyncRetrying(**retry._kwargs(call)):
            with attempt, translate_errors():
                response = await http.send(_build(http, call))
        assert response is not None
        call, result = _advance(plan, response)
    return result  # type: ignore[return-value]
