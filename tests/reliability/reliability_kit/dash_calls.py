"""Talking to a live board the way its page does: Dash callback requests.

A :class:`Viewer` is one open browser tab: it draws once, then polls with the cursor the
board gave back, so a test sees what a person watching the page would see, without a
browser and without ever reloading.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

REFRESH_OUTPUTS = ("graph", "cursor", "status", "freshness")


def component_id(kind: str, board: str) -> dict[str, str]:
    return {"type": f"bk-{kind}", "board": board}


def address_id(board: str) -> dict[str, str]:
    """A live page's address (its one ``dcc.Location``)."""
    return {"type": "bk-address", "board": board, "view": "live"}


def id_text(value: dict[str, str]) -> str:
    """Dash's spelling of a dict id: keys sorted, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def refresh_body(
    output: str,
    board: str,
    entities: list[str],
    *,
    tick: int | None,
    cursor: Any,
    window: str = "last_n",
) -> dict[str, Any]:
    """The body the page posts to ``_dash-update-component`` for the live figure."""

    def one(kind: str, prop: str, value: Any = None) -> dict[str, Any]:
        item: dict[str, Any] = {"id": component_id(kind, board), "property": prop}
        if value is not None or prop in ("value", "n_intervals", "data"):
            item["value"] = value
        return item

    outputs = [
        {"id": component_id("graph", board), "property": "figure"},
        {"id": component_id("graph", board), "property": "extendData"},
        {"id": component_id("cursor", board), "property": "data"},
        {"id": component_id("status", board), "property": "children"},
        {"id": component_id("status", board), "property": "color"},
        {"id": component_id("status", board), "property": "className"},
        {"id": component_id("freshness", board), "property": "children"},
    ]
    inputs = [
        one("entities", "value", entities),
        one("window", "value", window),
        one("last-n", "value", 100),
        one("range-start", "value", None),
        one("range-end", "value", None),
        one("poll", "n_intervals", tick),
    ]
    changed = [] if tick is None else [f"{id_text(component_id('poll', board))}.n_intervals"]
    return {
        "output": output,
        "outputs": outputs,
        "inputs": inputs,
        "state": [
            one("cursor", "data", cursor),
            {"id": address_id(board), "property": "search", "value": ""},
        ],
        "changedPropIds": changed,
    }


def entities_body(output: str, board: str) -> dict[str, Any]:
    """The body the page posts to load the machine picker's options."""
    return {
        "output": output,
        "outputs": [
            {"id": component_id("entities", board), "property": p}
            for p in ("options", "value", "placeholder")
        ]
        + [{"id": component_id("entities-note", board), "property": "children"}],
        "inputs": [
            {"id": component_id("entities-poll", board), "property": "n_intervals", "value": None},
            {"id": address_id(board), "property": "search", "value": ""},
        ],
        "state": [{"id": component_id("entities", board), "property": "value", "value": None}],
        "changedPropIds": [],
    }


async def callback_outputs(client: httpx.AsyncClient, board_url: str) -> dict[str, str]:
    """Map ``"refresh"`` and ``"entities"`` to the output keys the board registered."""
    response = await client.get(board_url + "_dash-dependencies")
    response.raise_for_status()
    found: dict[str, str] = {}
    for dependency in response.json():
        output = str(dependency["output"])
        if "bk-graph" in output and "figure" in output:
            found["refresh"] = output
        elif 'bk-entities"}.options' in output:
            found["entities"] = output
    return found


@dataclass(slots=True)
class Answer:
    """One callback answer: HTTP status, the status line kind/message, and the raw body."""

    status_code: int
    body: bytes
    kind: str = ""
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status_code >= 500 or self.status_code == 0


@dataclass(slots=True)
class Viewer:
    """One open page of a live board, polling like the browser does."""

    board_url: str
    board: str
    entities: list[str]
    output: str
    tick: int | None = None
    cursor: Any = None
    history: list[Answer] = field(default_factory=list)

    async def poll(self, client: httpx.AsyncClient) -> Answer:
        body = refresh_body(
            self.output, self.board, self.entities, tick=self.tick, cursor=self.cursor
        )
        try:
            response = await client.post(self.board_url + "_dash-update-component", json=body)
        except httpx.HTTPError as exc:
            answer = Answer(0, repr(exc).encode())
        else:
            answer = Answer(response.status_code, response.content)
            if response.status_code == 200:
                self._read(answer, response.json())
        self.tick = (self.tick or 0) + 1
        self.history.append(answer)
        return answer

    def _read(self, answer: Answer, payload: dict[str, Any]) -> None:
        values = payload.get("response", {})
        cursor = values.get(id_text(component_id("cursor", self.board)), {})
        if "data" in cursor:
            self.cursor = cursor["data"]
        status = values.get(id_text(component_id("status", self.board)), {})
        answer.message = str(status.get("children", ""))
        found = re.search(r"bk-status-(\w+)", str(status.get("className", "")))
        if found:
            answer.kind = found.group(1)
