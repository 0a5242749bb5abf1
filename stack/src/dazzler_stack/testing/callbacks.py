"""What a browser sends to a live board, for tests and benchmarks that drive a board over
HTTP without a browser.

The kit's main callback (figure, new points, status) is one ``_dash-update-component``
request; :func:`live_update_request` builds its body as the Dash renderer does and
:func:`live_outputs` reads the answer back by component kind::

    body = live_update_request("roughnator", selection=[entity], poll=False, cursor=None)
    answer = httpx.post(base + "/_dash-update-component", json=body, headers=...)
    parts = live_outputs(answer.json())
    parts["graph"]["figure"], parts["cursor"]["data"], parts["status"]["className"]
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

# The main callback's outputs, in the order the kit registers them.
LIVE_OUTPUTS: tuple[tuple[str, str], ...] = (
    ("graph", "figure"),
    ("graph", "extendData"),
    ("cursor", "data"),
    ("status", "children"),
    ("status", "color"),
    ("status", "className"),
    ("freshness", "children"),
)


def _component(kind: str, board: str) -> dict[str, str]:
    return {"board": board, "type": f"bk-{kind}"}


def _live_address(board: str) -> dict[str, str]:
    """The id of a live page's address (its one ``dcc.Location``)."""
    return {"board": board, "type": "bk-address", "view": "live"}


def live_update_request(
    board: str,
    *,
    selection: Sequence[str] | None,
    poll: bool,
    cursor: Mapping[str, Any] | None,
    window: str = "last_n",
    last_n: int | None = 100,
    start: str | None = None,
    end: str | None = None,
    search: str = "",
) -> dict[str, Any]:
    """The body of the main callback's request for ``board``.

    ``poll=True`` is the interval's tick (the browser sends the ``cursor`` it holds);
    otherwise the entity picker changed, as on page load. ``start``/``end`` are the
    custom range's ``datetime-local`` values, typed in the tenant's timezone.
    """
    wild = '{"board":["MATCH"],"type":"bk-%s"}'
    output = "...".join(f"{wild % kind}.{prop}" for kind, prop in LIVE_OUTPUTS)
    inputs: list[tuple[str, str, Any]] = [
        ("entities", "value", list(selection) if selection is not None else None),
        ("window", "value", window),
        ("last-n", "value", last_n),
        ("range-start", "value", start),
        ("range-end", "value", end),
        ("poll", "n_intervals", 1),
    ]
    trigger = _component("poll" if poll else "entities", board)
    changed = json.dumps(trigger, separators=(",", ":"), sort_keys=True)
    return {
        "output": f"..{output}..",
        "outputs": [
            {"id": _component(kind, board), "property": prop} for kind, prop in LIVE_OUTPUTS
        ],
        "inputs": [
            {"id": _component(kind, board), "property": prop, "value": value}
            for kind, prop, value in inputs
        ],
        "changedPropIds": [changed + (".n_intervals" if poll else ".value")],
        "state": [
            {"id": _component("cursor", board), "property": "data", "value": cursor},
            # The page address (``?theme=dark`` draws dark figures).
            {"id": _live_address(board), "property": "search", "value": search},
        ],
    }


def live_outputs(answer: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The parts of a main-callback answer by component kind (``"graph"``, ``"cursor"``,
    ``"status"``, ``"freshness"``); kinds the answer does not update are missing. An empty
    answer (HTTP 204: nothing changed) gives an empty dict."""
    if not answer:
        return {}
    parts: dict[str, dict[str, Any]] = {}
    for key, value in dict(answer.get("response", {})).items():
        try:
            kind = str(json.loads(key)["type"]).removeprefix("bk-")
        except (ValueError, KeyError, TypeError):
            continue
        parts[kind] = dict(value)
    return parts
