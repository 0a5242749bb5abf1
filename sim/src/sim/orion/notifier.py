"""Subscriptions in action: match entity changes and POST notifications, off the request path.

Changes are rendered into payloads at once (a snapshot of the entity) and put on a
bounded queue; a few workers send them. A full queue drops the notification and counts
it as a failure on its subscription, as Orion does when its thread pool is saturated.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from sim.orion.qfilter import matches_q, parse_q
from sim.orion.render import KEY_VALUES, NORMALIZED, render_entity
from sim.orion.scope import path_matches
from sim.orion.store import Change, OrionStore, Subscription, now

log = logging.getLogger(__name__)

ORION_VERSION = "4.7.0"
_DEFAULT_ALTERATIONS = ("entityCreate", "entityChange")


@dataclass(frozen=True, slots=True)
class Job:
    subscription: Subscription
    method: str
    url: str
    headers: dict[str, str]
    params: dict[str, str]
    payload: dict[str, Any]


def _entity_matches(selectors: Iterable[Mapping[str, Any]], change: Change) -> bool:
    entity = change.entity
    for selector in selectors:
        if "id" in selector and selector["id"] != entity.id:
            continue
        if "idPattern" in selector and not re.search(str(selector["idPattern"]), entity.id):
            continue
        if "type" in selector and selector["type"] != entity.type:
            continue
        if "typePattern" in selector and not re.search(str(selector["typePattern"]), entity.type):
            continue
        return True
    return False


def _expired(document: Mapping[str, Any], moment: datetime) -> bool:
    expires = document.get("expires")
    if not isinstance(expires, str):
        return False
    try:
        return datetime.fromisoformat(expires) < moment
    except ValueError:
        return False


def subscription_fires(sub: Subscription, tenant: str, change: Change) -> bool:
    """Whether a change is one this subscription wants to hear about."""
    doc = sub.document
    moment = now()
    if sub.tenant != tenant or doc.get("status", "active") not in ("active", "oneshot"):
        return False
    if _expired(doc, moment) or not path_matches(sub.service_path, change.entity.service_path):
        return False
    subject = doc.get("subject", {})
    if not _entity_matches(subject.get("entities", []), change):
        return False
    condition = subject.get("condition") or {}
    alterations = condition.get("alterationTypes") or _DEFAULT_ALTERATIONS
    if change.alteration not in alterations:
        return False
    watched = condition.get("attrs") or []
    if watched and change.alteration != "entityCreate" and not set(watched) & change.changed:
        return False
    q = (condition.get("expression") or {}).get("q")
    if q and not matches_q(change.entity, parse_q(q)):
        return False
    throttling = doc.get("throttling")
    if throttling and sub.last_notification is not None:
        return (moment - sub.last_notification).total_seconds() >= float(throttling)
    return True


def build_job(sub: Subscription, tenant: str, change: Change) -> Job:
    """The notification request for one change, as Orion would send it."""
    notification = sub.document.get("notification", {})
    custom = notification.get("httpCustom")
    target = custom or notification.get("http") or {}
    fmt = notification.get("attrsFormat", NORMALIZED)
    attrs = list(notification.get("attrs") or [])
    if notification.get("onlyChangedAttrs"):
        attrs = [a for a in (attrs or change.entity.attrs) if a in change.changed]
    entity = render_entity(
        change.entity,
        attrs=attrs or None,
        except_attrs=notification.get("exceptAttrs"),
        fmt=KEY_VALUES if fmt in (KEY_VALUES, "simplifiedKeyValues") else NORMALIZED,
        metadata=notification.get("metadata") or (),
    )
    if fmt.startswith("simplified"):
        payload: dict[str, Any] = entity
    else:
        payload = {"subscriptionId": sub.id, "data": [entity]}
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Fiware-ServicePath": change.entity.service_path,
        "Ngsiv2-AttrsFormat": fmt,
        "Fiware-Correlator": f"{uuid.uuid4()}; cbnotif=1",
        "User-Agent": f"orion/{ORION_VERSION}",
    }
    if tenant:
        headers["Fiware-Service"] = tenant
    if custom:
        headers.update({str(k): str(v) for k, v in (custom.get("headers") or {}).items()})
    return Job(
        subscription=sub,
        method=str((custom or {}).get("method", "POST")).upper(),
        url=str(target.get("url", "")),
        headers=headers,
        params={str(k): str(v) for k, v in ((custom or {}).get("qs") or {}).items()},
        payload=payload,
    )


class Notifier:
    """Queues notifications for matching subscriptions and sends them in the background."""

    def __init__(self, store: OrionStore, *, queue_size: int, workers: int, timeout: float):
        self.store = store
        self._queue: asyncio.Queue[Job] = asyncio.Queue(maxsize=queue_size)
        self._workers = workers
        self._timeout = timeout
        self._tasks: list[asyncio.Task[None]] = []
        self._http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._http = httpx.AsyncClient(timeout=self._timeout)
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._http is not None:
            await self._http.aclose()

    def publish(self, tenant: str, changes: Iterable[Change]) -> None:
        """Enqueue a notification per (change, matching subscription); never blocks."""
        subscriptions = list(self.store.tenant(tenant).subscriptions.values())
        for change in changes:
            for sub in subscriptions:
                if not subscription_fires(sub, tenant, change):
                    continue
                sub.last_notification = now()
                try:
                    self._queue.put_nowait(build_job(sub, tenant, change))
                except asyncio.QueueFull:
                    self._failed(sub, "notification queue full")
                if sub.document.get("status") == "oneshot":
                    sub.document["status"] = "inactive"

    @staticmethod
    def _failed(sub: Subscription, reason: str) -> None:
        sub.fails_counter += 1
        sub.last_failure = now()
        sub.last_failure_reason = reason
        max_fails = sub.document.get("notification", {}).get("maxFailsLimit")
        if max_fails and sub.fails_counter >= int(max_fails):
            sub.document["status"] = "inactive"

    async def _work(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await self._send(job)
            finally:
                self._queue.task_done()

    async def _send(self, job: Job) -> None:
        assert self._http is not None
        sub = job.subscription
        sub.times_sent += 1
        try:
            response = await self._http.request(
                job.method, job.url, json=job.payload, headers=job.headers, params=job.params
            )
        except httpx.HTTPError as exc:
            log.warning("notification %s to %s failed: %s", sub.id, job.url, exc)
            self._failed(sub, f"{type(exc).__name__}: {exc}")
            return
        if response.is_success:
            sub.fails_counter = 0
            sub.last_success = now()
            sub.last_success_code = response.status_code
        else:
            self._failed(sub, f"HTTP {response.status_code}")
