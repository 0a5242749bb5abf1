"""A watched series' Orion subscription: made by the replica that polls the series, kept
alive while it does, deleted when it stops.

Orion then tells this replica the moment an entity of the series changes, and the feed
asks QuantumLeap at once instead of waiting for its next poll. The notification carries
only the entity's ``TimeInstant``, so the feed knows which row to wait for; the rows
themselves still come from QuantumLeap, the one history every viewer shares.

Each subscription expires by itself (``expires``), so one left behind by a replica that
died costs Orion a few failed notifications, not a leak. Orion unreachable: nothing is
subscribed and the series is polled as without Orion.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ngsi import ApiError, AsyncOrionClient, FiwareContext

from boardkit.metrics import BoardMetrics
from boardkit.outage_log import OutageLog

NOTIFY_PREFIX = "/_dazzler-notify/"
# In the notify URL, this stands for the replica's own address: replicas started from one
# definition (compose --scale, a k8s Deployment) each give Orion their own.
OWN_ADDRESS = "{ip}"
# Orion forgets a subscription this long after its last renewal, which comes at half of it.
_EXPIRES = timedelta(minutes=10)
# After a failed create or renewal, the next try comes this much later.
_RETRY_SECONDS = 15.0
_DELETE_TIMEOUT = 2.0
_log = logging.getLogger("boardkit.push")


def orion_outages() -> OutageLog:
    """The log of Orion subscription outages, one per hub (not one per series)."""
    return OutageLog(
        _log,
        "Orion subscriptions fail: watched series are polled until it answers",
        "Orion subscriptions work again: notified series are asked at once",
    )


def notify_base(url: str) -> str:
    """``url`` with :data:`OWN_ADDRESS` replaced by the address this host's name resolves
    to (a container's or pod's own, as their hosts files say); "" when the name does not
    resolve, and series are then only polled."""
    if OWN_ADDRESS not in url:
        return url
    try:
        address = socket.gethostbyname(socket.gethostname())
    except OSError as exc:
        _log.warning(
            "push_notify_url names %s, but this host's name does not resolve (%s): "
            "watched series are only polled",
            OWN_ADDRESS,
            exc,
        )
        return ""
    return url.replace(OWN_ADDRESS, address)


@dataclass(frozen=True, slots=True)
class OrionSubject:
    """What Orion holds of one series: the tenant's context, the entity type and the
    entity (None: every entity of the type)."""

    context: FiwareContext
    entity_type: str
    entity_id: str | None


class OrionWatch:
    """One feed's subscription, run in a task of its own so a slow Orion never holds up
    the feed's polling."""

    def __init__(
        self,
        subject: OrionSubject,
        description: str,
        notify_url: str,
        orion: Callable[[], AsyncOrionClient],
        metrics: BoardMetrics,
        outages: OutageLog,
    ) -> None:
        self.subject = subject
        self.token = secrets.token_urlsafe(24)
        self._description = description
        self._url = notify_url.rstrip("/") + NOTIFY_PREFIX + self.token
        self._orion = orion
        self._metrics = metrics
        self._outages = outages
        self._id: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_notified = -float("inf")

    @property
    def active(self) -> bool:
        """Subscribed, or about to be."""
        return self._id is not None or self._task is not None

    def notified(self) -> None:
        self._last_notified = time.monotonic()

    def delivering(self, within: float) -> bool:
        """Whether Orion notified within the last ``within`` seconds: the series' data
        comes through Orion, so the notifications can replace frequent polling."""
        return self._id is not None and time.monotonic() - self._last_notified <= within

    def start(self) -> None:
        """Subscribe (in the background) and keep the subscription alive."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._keep())

    async def stop(self) -> None:
        """Stop renewing and delete the subscription (bounded; Orion may be gone)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        subscription, self._id = self._id, None
        if subscription is None:
            return
        self._metrics.push_subscriptions.dec()
        try:
            async with asyncio.timeout(_DELETE_TIMEOUT):
                await self._orion().delete_subscription(self.subject.context, subscription)
        except Exception as exc:  # it expires by itself
            _log.info("could not delete Orion subscription %s: %s", subscription, exc)

    async def _keep(self) -> None:
        while True:
            try:
                if self._id is None:
                    await self._create()
                else:
                    await self._renew()
            except Exception as exc:
                self._outages.failed(exc)
                await asyncio.sleep(_RETRY_SECONDS)
                continue
            self._outages.answered()
            await asyncio.sleep(_EXPIRES.total_seconds() / 2)

    async def _create(self) -> None:
        subject = self.subject
        entity: dict[str, str] = {"type": subject.entity_type}
        if subject.entity_id is None:
            entity["idPattern"] = ".*"
        else:
            entity["id"] = subject.entity_id
        document = {
            "description": self._description,
            "subject": {"entities": [entity]},
            "notification": {
                "http": {"url": self._url},
                "attrs": ["TimeInstant"],
                "attrsFormat": "normalized",
            },
            "expires": _expires(),
        }
        self._id = await self._orion().create_subscription(subject.context, document)
        self._metrics.push_subscriptions.inc()

    async def _renew(self) -> None:
        assert self._id is not None
        try:
            await self._orion().update_subscription(
                self.subject.context, self._id, {"expires": _expires()}
            )
        except ApiError as exc:
            if exc.status != 404:
                raise
            # Orion lost it (restarted without its database): subscribe anew.
            self._id = None
            self._metrics.push_subscriptions.dec()
            await self._create()


def _expires() -> str:
    moment = datetime.now(UTC) + _EXPIRES
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
