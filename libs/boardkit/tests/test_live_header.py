"""A live view's header: drawn from its own source through the shared cache, for the
picked entities, and a sentence instead of a 500 when the source fails."""

from __future__ import annotations

from typing import Any

import httpx
from boardkit import BoardSettings, Clients, LiveHeader, Runtime
from boardkit.live import header_content
from dash import html
from ngsi import FiwareContext
from tenant_context import TenantContext

CONTEXT = TenantContext(
    tenant="acme", display_name="Acme", fiware_service="acme", board="live", public_prefix="/"
)


class Orion:
    """Counts the queries; answers with the current value of two machines, or fails."""

    def __init__(self, fail: bool = False) -> None:
        self.queries = 0
        self.fail = fail

    async def fetch(self, _clients: Clients, fiware: FiwareContext) -> dict[str, float]:
        self.queries += 1
        if self.fail:
            raise httpx.ConnectError("connection refused")
        assert fiware.service == "acme"
        return {"m1": 20.5, "m2": 31.0}


def render(data: Any, entities: tuple[str, ...]) -> html.Div:
    shown = [e for e in entities if e in data] or sorted(data)
    return html.Div([f"{e}: {data[e]}" for e in shown])


def _runtime() -> Runtime:
    return Runtime(BoardSettings(shared_secret="live-header-secret-0123456"))


async def test_the_header_shows_the_picked_entities_from_one_query_per_interval() -> None:
    orion = Orion()
    header = LiveHeader(key=("temps",), fetch=orion.fetch, render=render)
    runtime = _runtime()

    one = await header_content(runtime, CONTEXT, header, ("m2",))
    every = await header_content(runtime, CONTEXT, header, ())

    assert one.children == ["m2: 31.0"]
    assert every.children == ["m1: 20.5", "m2: 31.0"]
    assert orion.queries == 1


async def test_a_failing_source_is_a_sentence_naming_the_header() -> None:
    header = LiveHeader(key=("temps",), fetch=Orion(fail=True).fetch, render=render)

    shown = await header_content(_runtime(), CONTEXT, header, ())

    assert isinstance(shown.children, str)
    assert shown.children.startswith("Current values: ")
    assert "m1" not in shown.children
