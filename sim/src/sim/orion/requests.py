"""Reading Orion requests: JSON bodies, `options`, pagination, shared app state."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from sim.orion.errors import bad_request, parse_error
from sim.orion.notifier import Notifier
from sim.orion.store import OrionStore

MAX_LIMIT = 1000
DEFAULT_LIMIT = 20


def store_of(request: Request) -> OrionStore:
    store: OrionStore = request.app.state.store
    return store


def notifier_of(request: Request) -> Notifier:
    notifier: Notifier = request.app.state.notifier
    return notifier


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise bad_request("empty payload")
    try:
        return json.loads(raw)
    except ValueError:
        raise parse_error() from None


def options_of(request: Request) -> set[str]:
    raw = request.query_params.get("options", "")
    return {o.strip() for o in raw.split(",") if o.strip()}


def csv_of(request: Request, name: str) -> list[str] | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    items = [item.strip() for item in raw.split(",") if item.strip()]
    return items or None


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int


def page_of(request: Request) -> Page:
    """`limit` (1..1000, default 20) and `offset` (≥ 0), with Orion's error texts."""
    raw_limit = request.query_params.get("limit")
    raw_offset = request.query_params.get("offset")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        if not raw_limit.isdigit() or int(raw_limit) == 0:
            raise bad_request(
                f"Bad pagination limit: /{raw_limit}/ [must be a positive integer number]"
            )
        limit = int(raw_limit)
        if limit > MAX_LIMIT:
            raise bad_request(f"Bad pagination limit: /{limit}/ [max: {MAX_LIMIT}]")
    offset = 0
    if raw_offset is not None:
        if not raw_offset.isdigit():
            raise bad_request(f"Bad pagination offset: /{raw_offset}/ [must be a decimal number]")
        offset = int(raw_offset)
    return Page(limit=limit, offset=offset)
