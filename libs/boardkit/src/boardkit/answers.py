"""The JSON error answer the kit's middleware sends when it refuses a request itself.

The body names the refusal (``detail`` for people, ``code`` for programs) and never echoes
the request, so it carries neither a trace nor tenant data.
"""

from __future__ import annotations

import json

from boardkit.context import Send


async def refuse(send: Send, status: int, detail: str, code: str) -> None:
    """Answer ``status`` with ``{"detail": detail, "code": code}``, never cached."""
    body = json.dumps({"detail": detail, "code": code}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
