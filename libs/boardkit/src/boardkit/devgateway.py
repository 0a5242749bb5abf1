"""A stand-in for the gateway, for development and tests of boards on their own.

It serves ``/dazzler/<tenant>/-/<board>/<rest>`` by forwarding ``/<rest>`` to one board
service with a freshly signed tenant context, as the real gateway does, from a fixed
JSON description of the tenants. Run it with::

    python -m boardkit.devgateway --port 8000 --upstream http://127.0.0.1:8101 \\
        --tenants '{"acme": {"display_name": "ACME", "timezone": "Europe/Rome"}}'

Each tenant entry may set display_name, fiware_service, service_path, timezone, theme
and settings (per board slug). The secret comes from DAZZLER_SHARED_SECRET.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tenant_context import BoardLink, TenantContext, board_info, sign_context

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "accept-encoding",
}


def tenant_context(
    tenants: Mapping[str, Mapping[str, Any]], tenant: str, board: str
) -> TenantContext | None:
    """The context the gateway would sign for ``tenant`` viewing ``board``."""
    entry = tenants.get(tenant)
    if entry is None:
        return None
    boards = entry.get("boards") or [board]
    links = tuple(
        BoardLink(
            slug=slug,
            title=(info.title if (info := board_info(slug)) else slug),
            href=f"/dazzler/{tenant}/-/{slug}/",
        )
        for slug in boards
    )
    return TenantContext(
        tenant=tenant,
        display_name=entry.get("display_name", tenant),
        fiware_service=entry.get("fiware_service", tenant),
        service_path=entry.get("service_path", "/"),
        timezone=entry.get("timezone", "UTC"),
        theme=entry.get("theme", "light"),
        board=board,
        public_prefix=f"/dazzler/{tenant}/-/{board}/",
        settings=dict(entry.get("settings", {}).get(board, {})),
        boards=links,
    )


def build_app(upstream: str, secret: str, tenants: Mapping[str, Mapping[str, Any]]) -> Starlette:
    """The stand-in gateway as an ASGI app."""
    client: dict[str, httpx.AsyncClient] = {}

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(base_url=upstream, timeout=30) as http:
            client["http"] = http
            yield

    async def forward(request: Request) -> Response:
        parts = request.url.path.split("/", 5)
        # ["", "dazzler", tenant, "-", board, rest]
        if len(parts) < 5 or parts[1] != "dazzler" or parts[3] != "-":
            return JSONResponse({"detail": "Not found"}, status_code=404)
        tenant, board = parts[2], parts[4]
        rest = parts[5] if len(parts) > 5 else ""
        context = tenant_context(tenants, tenant, board)
        if context is None:
            return JSONResponse({"detail": "Not found"}, status_code=404)
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in _HOP_BY_HOP and not k.lower().startswith("x-dazzler-")
        }
        headers.update(sign_context(context, secret))
        headers["x-forwarded-prefix"] = context.public_prefix.rstrip("/")
        answer = await client["http"].request(
            request.method,
            "/" + rest,
            params=request.url.query or None,
            content=await request.body(),
            headers=headers,
        )
        kept = {
            k: v
            for k, v in answer.headers.items()
            if k.lower() not in _HOP_BY_HOP and k.lower() != "content-encoding"
        }
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--upstream", required=True, help="Base URL of the board service.")
    parser.add_argument("--tenants", default='{"demo": {}}', help="JSON object of tenants.")
    args = parser.parse_args(argv)
    secret = os.environ["DAZZLER_SHARED_SECRET"]
    app = build_app(args.upstream, secret, json.loads(args.tenants))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
