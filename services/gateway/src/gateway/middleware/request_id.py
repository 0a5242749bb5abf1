"""Gives every request an ``X-Request-ID`` and returns it with the response."""

from __future__ import annotations

import random
import re

from gateway.asgi import ASGIApp, Message, Receive, Scope, Send, header, request_state

# Ids only need to be unique, not secret: the random module's generator costs no
# system call, unlike uuid4's.
_random_bits = random.Random().getrandbits

# A client-chosen id is kept only if it cannot smuggle anything into logs or headers.
_ACCEPTABLE = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")


class RequestIdMiddleware:
    """Keeps a sane client-sent id, else makes one; the response always carries it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        sent = header(scope, b"x-request-id")
        request_id = sent if sent is not None and _ACCEPTABLE.match(sent) else None
        state = request_state(scope)
        state.request_id = (
            request_id.decode("ascii") if request_id is not None else f"{_random_bits(128):032x}"
        )
        raw_id = state.request_id.encode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == b"x-request-id" for name, _ in headers):
                    headers.append((b"x-request-id", raw_id))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)
