"""Recording tenant changes and following them into this process's route cache."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from registry.cache import ALL_TENANTS, RouteCache
from registry.changes.models import TenantChange

log = logging.getLogger(__name__)

# Past this many changed tenants, "drop everything" is cheaper for every reader.
MAX_LISTED = 500


def record(session: Session, slug_keys: tuple[str, ...]) -> None:
    """Add one change row per tenant to the session's transaction."""
    session.add_all(TenantChange(slug_key=key) for key in slug_keys)


def current_generation(session: Session) -> int:
    """The id of the latest change, 0 when nothing was ever written."""
    return session.scalar(select(func.max(TenantChange.id))) or 0


def changed_since(session: Session, after: int | None) -> tuple[int, list[str]]:
    """The current generation and the tenants changed after ``after``.

    ``after=None`` asks for the generation only. A generation from the future (the
    database was replaced) or too many changes answer ``["*"]``.
    """
    generation = current_generation(session)
    if after is None or after == generation:
        return generation, []
    if after > generation:
        return generation, [ALL_TENANTS]
    keys = session.scalars(
        select(TenantChange.slug_key)
        .where(TenantChange.id > after)
        .distinct()
        .limit(MAX_LISTED + 1)
    ).all()
    if len(keys) > MAX_LISTED:
        return generation, [ALL_TENANTS]
    return generation, sorted(keys)


class ChangeFollower:
    """Keeps this process's route cache in step with writes made by other processes.

    At most every ``interval`` seconds the request that reads a route asks the database
    for changes since the generation last seen and drops those tenants from the cache;
    between checks nothing is queried, so cache hits stay cheap.
    """

    def __init__(
        self,
        cache: RouteCache,
        *,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache = cache
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: int | None = None
        self._checked_at = float("-inf")

    def _due(self, now: float, needed: int | None) -> bool:
        if needed is not None and (self._seen is None or self._seen < needed):
            return True
        return now - self._checked_at >= self._interval

    def follow(self, session: Session, needed: int | None = None) -> None:
        """Drop the tenants changed since the last check, if one is due.

        ``needed`` is a generation the caller has seen elsewhere (a gateway that heard
        of a change): a cache older than that is brought up to date now.
        """
        now = self._clock()
        if not self._due(now, needed):
            return
        with self._lock:
            if not self._due(now, needed):
                return
            self._checked_at = now
            try:
                generation, keys = changed_since(session, self._seen)
            except SQLAlchemyError as exc:
                # The cache keeps answering while the database is away.
                session.rollback()
                log.debug("change check skipped: %r", exc)
                return
            self._seen = generation
        for key in keys:
            self._cache.forget(key)
