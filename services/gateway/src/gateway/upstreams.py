"""The replicas of each board service: discovery, round-robin and passive health."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

Resolver = Callable[[str, int], Awaitable[list[str]]]
_log = logging.getLogger("gateway.upstreams")


@dataclass(slots=True)
class Replica:
    """One address serving a board service."""

    base_url: str
    down_until: float = 0.0


async def resolve_host(host: str, port: int) -> list[str]:
    """Return every address ``host`` resolves to, in the resolver's order."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in seen:
            seen.append(address)
    return seen


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class ServicePool:
    """The replicas of one service, picked round-robin, skipping those marked down."""

    def __init__(
        self,
        service: str,
        urls: Sequence[str],
        *,
        cooldown: float,
        resolver: Resolver = resolve_host,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self._urls = [u.rstrip("/") for u in urls]
        self._cooldown = cooldown
        self._resolver = resolver
        self._clock = clock
        self._next = 0
        self._expanded: dict[str, list[str]] = {u: [u] for u in self._urls}
        self.replicas = [Replica(u) for u in self._urls]

    def candidates(self) -> list[Replica]:
        """Return every replica in the order to try: healthy ones first, round-robin.

        Replicas marked down come last, so a pool whose replicas all failed recently is
        still tried rather than refused outright.
        """
        replicas = self.replicas
        if not replicas:
            return []
        start = self._next % len(replicas)
        self._next = start + 1
        rotated = replicas[start:] + replicas[:start]
        now = self._clock()
        healthy = [r for r in rotated if r.down_until <= now]
        if len(healthy) == len(rotated):
            return rotated
        return healthy + [r for r in rotated if r.down_until > now]

    def mark_down(self, replica: Replica) -> None:
        """Skip ``replica`` for the cooldown: it refused a connection."""
        replica.down_until = self._clock() + self._cooldown

    def mark_up(self, replica: Replica) -> None:
        """Clear a replica's down mark: it answered."""
        replica.down_until = 0.0

    async def refresh(self) -> None:
        """Re-resolve host names; a name with several addresses gives several replicas."""
        known = {r.base_url: r for r in self.replicas}
        fresh: list[Replica] = []
        for url in self._urls:
            self._expanded[url] = await self._expand(url)
            for base_url in self._expanded[url]:
                fresh.append(known.get(base_url) or Replica(base_url))
        self.replicas = fresh

    async def _expand(self, url: str) -> list[str]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not host or _is_ip(host):
            return [url]
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = await self._resolver(host, port)
        except OSError as exc:
            _log.warning("cannot resolve %s for %s: %r", host, self.service, exc)
            # Keep what was known; a name never resolved is tried as is.
            return self._expanded[url]
        results = []
        for address in addresses:
            shown = f"[{address}]" if ":" in address else address
            results.append(f"{parts.scheme}://{shown}:{port}{parts.path}")
        return results or [url]


class Upstreams:
    """Every board service's pool, kept fresh by :meth:`run_refresher`."""

    def __init__(
        self,
        config: Mapping[str, Sequence[str]],
        *,
        cooldown: float,
        resolver: Resolver = resolve_host,
    ) -> None:
        self.pools = {
            service: ServicePool(service, urls, cooldown=cooldown, resolver=resolver)
            for service, urls in config.items()
        }

    def pool(self, service: str) -> ServicePool | None:
        """Return the pool of ``service``, None if the gateway has no URLs for it."""
        return self.pools.get(service)

    async def refresh(self) -> None:
        """Re-resolve every pool."""
        for pool in self.pools.values():
            await pool.refresh()

    async def run_refresher(self, interval: float) -> None:
        """Re-resolve every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval)
            await self.refresh()
