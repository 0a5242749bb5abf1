"""ASGI vocabulary and the few ways the gateway answers by itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
RawHeaders = list[tuple[bytes, bytes]]

STATE_KEY = "dazzler"


@dataclass(slots=True)
class RequestState:
    """What the layers learn about one request, shared through the scope."""

    request_id: str = ""
    tenant: str = ""
    board: str = ""
    service: str = ""
    upstream: str = ""
    target: Any = None
    extra_headers: RawHeaders = field(default_factory=list)


def request_state(scope: Scope) -> RequestState:
    """Return the request's state, creating it for a scope that has none yet."""
    state = scope.get(STATE_KEY)
    if state is None:
        state = scope[STATE_KEY] = RequestState()
    return state


def header(scope: Scope, name: bytes) -> bytes | None:
    """Return the first value of request header ``name`` (lower-case), if any."""
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value  # type: ignore[no-any-return]
    return None


async def send_response(
    send: Send, status: int, body: bytes, content_type: bytes, headers: RawHeaders | None = None
) -> None:
    """Send a complete response in one body message."""
    raw: RawHeaders = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
    ]
    if headers:
        raw.extend(headers)
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
