"""Asking the registry for changes every fraction of a second, for gateways without Redis.

Redis change notices arrive at once but need Redis; this poll needs nothing but the
registry, so a tenant disabled through the CLI stops being served within about one poll
interval either way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from gateway.registry_client import Changes, RegistryError

_log = logging.getLogger("gateway.change_poll")

FetchChanges = Callable[[int | None], Awaitable[Changes]]


class ChangePoller:
    """Follows the registry's change generation and invalidates the tenants it names.

    While the registry cannot be asked nothing is invalidated: cached routes keep
    serving within the stale limit, and the first answer afterwards lists every tenant
    changed meanwhile.
    """

    def __init__(
        self, fetch: FetchChanges, invalidate: Callable[[str], None], *, interval: float
    ) -> None:
        self._fetch = fetch
        self._invalidate = invalidate
        self._interval = interval
        self.generation: int | None = None

    async def poll_once(self) -> None:
        """Ask once; raise RegistryError when the registry cannot be asked."""
        changes = await self._fetch(self.generation)
        first = self.generation is None
        self.generation = changes.generation
        if first:
            # Whatever was cached before the first answer may predate changes.
            self._invalidate("*")
            return
        for tenant in changes.tenants:
            self._invalidate(tenant)

    async def run(self) -> None:
        """Poll until cancelled."""
        failing = False
        while True:
            try:
                await self.poll_once()
            except RegistryError as exc:
                if not failing:
                    _log.warning("registry change poll failing: %s", exc)
                failing = True
            else:
                failing = False
            await asyncio.sleep(self._interval)
