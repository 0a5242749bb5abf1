"""``POST /_dazzler-notify/<token>``: where Orion tells this replica that an entity of a
watched series changed.

Orion calls the board service directly, not through the gateway (which refuses this
path), so no tenant context comes with it: the unguessable token in the path names the
subscription, and the ``Fiware-Service`` header must be that subscription's tenant. A
notification only makes the feed ask QuantumLeap at once; it carries no data that is
shown, so a forged one could at worst cost one query.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from boardkit.answers import refuse
from boardkit.context import ASGIApp, Receive, Scope, Send
from boardkit.metrics import BoardMetrics
from boardkit.push_hub import PushHub
from boardkit.push_subscriptions import NOTIFY_PREFIX
from boardkit.request_body import read_body

# One entity per notification (Orion ≥ 3.2), asked with its TimeInstant only.
MAX_BODY = 64 * 1024


class NotifyEndpoint:
    """Answers ``/_dazzler-notify/…``; passes everything else on."""

    def __init__(self, app: ASGIApp, hub: PushHub, metrics: BoardMetrics) -> None:
        self.app = app
        self._hub = hub
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(NOTIFY_PREFIX):
            await self.app(scope, receive, send)
            return
        outcome, status, detail = await self._answer(scope, receive)
        self._metrics.push_notifications.labels(outcome).inc()
        if status == 204:
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        else:
            await refuse(send, status, detail, outcome)

    async def _answer(self, scope: Scope, receive: Receive) -> tuple[str, int, str]:
        if scope["method"] != "POST":
            return "method_not_allowed", 405, "Orion notifications are POSTed"
        token = scope["path"][len(NOTIFY_PREFIX) :]
        watched = self._hub.watch_for(token)
        if watched is None:
            return "unknown", 404, "no such subscription (it ended)"
        body = await read_body(receive, MAX_BODY)
        if body is None:
            return "too_large", 413, f"a notification is at most {MAX_BODY} bytes"
        service = dict(scope["headers"]).get(b"fiware-service", b"").decode("latin-1")
        if service.lower() != (watched.subject.context.service or "").lower():
            return "wrong_tenant", 404, "no such subscription (it ended)"
        try:
            times = _times(json.loads(body))
        except (ValueError, TypeError) as exc:
            return "malformed", 400, f"not an Orion notification: {exc}"
        self._hub.poke(token, times)
        return "ok", 204, ""


def _times(notification: Any) -> list[datetime]:
    """Each notified entity's ``TimeInstant`` (those that have one)."""
    if not isinstance(notification, dict) or not isinstance(notification.get("data"), list):
        raise ValueError("expected an object with a 'data' list")
    found = []
    for entity in notification["data"]:
        if not isinstance(entity, dict):
            raise ValueError("each item of 'data' must be an entity object")
        stamp = entity.get("TimeInstant")
        value = stamp.get("value") if isinstance(stamp, dict) else None
        if not isinstance(value, str):
            continue
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is not None:
            found.append(moment)
    return found
