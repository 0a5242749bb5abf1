"""A board stand-in for tests: answers with what it received, as JSON.

Run with uvicorn (``echo_upstream:app``); ``ECHO_NAME`` names the replica and
``DAZZLER_SHARED_SECRET`` is used to verify the tenant context the way a board does.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
from typing import Any

from tenant_context import BOARD_CATALOGUE, ContextError, verify_context

NAME = os.environ.get("ECHO_NAME", "echo")
SECRET = os.environ.get("DAZZLER_SHARED_SECRET", "")


async def _body(receive: Any) -> bytes:
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    path = scope["path"]
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
    if path == "/healthz":
        await _send(send, 200, b"ok", b"text/plain")
        return
    if path == "/slow":
        await asyncio.sleep(float(scope["query_string"].decode().partition("=")[2] or 5))
    if path == "/gzip":
        payload = gzip.compress(b"compressed " * 100)
        await _send(send, 200, payload, b"text/plain", [(b"content-encoding", b"gzip")])
        return
    if path == "/stream":
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"x-replica", NAME.encode())],
            }
        )
        for _ in range(64):
            await send({"type": "http.response.body", "body": b"x" * 16384, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    body = await _body(receive)
    mapping = {k: v for k, v in headers}
    context: Any = {"error": "MissingContext"}
    # The echo stands in for every board service: report the one the context was signed
    # for (it verifies for exactly that one).
    for service in sorted({info.service for info in BOARD_CATALOGUE.values()}):
        try:
            verified = verify_context(mapping, SECRET, method=scope["method"], service=service)
        except ContextError as exc:
            context = {"error": type(exc).__name__}
            continue
        context = {**verified.model_dump(mode="json"), "signed_for": service}
        break
    answer = {
        "replica": NAME,
        "method": scope["method"],
        "path": path,
        "raw_path": (scope.get("raw_path") or b"").decode("latin-1"),
        "query": scope["query_string"].decode("latin-1"),
        "headers": headers,
        "body_length": len(body),
        "context": context,
    }
    await _send(
        send,
        200,
        json.dumps(answer).encode(),
        b"application/json",
        [(b"set-cookie", b"board=1; Path=/"), (b"x-request-id", b"from-board")],
    )


async def _send(
    send: Any, status: int, body: bytes, content_type: bytes, extra: list[Any] | None = None
) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"x-replica", NAME.encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
