"""One transaction per admin request, and the cache invalidation that follows it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.cache import RouteCache
from registry.changes import service as change_service


class UnitOfWork:
    """The session of one write, and who is making it.

    ``commit`` publishes the change only after the database has it: a gateway that
    reloads on the notification must never read the old state.
    """

    def __init__(self, session: Session, cache: RouteCache, actor: str) -> None:
        self.session = session
        self.cache = cache
        self.actor = actor

    def commit(self, *tenant_keys: str) -> None:
        """Record the change, commit, then drop and announce the cached tables of
        ``tenant_keys``; the change row lets other processes' caches follow."""
        change_service.record(self.session, tenant_keys)
        self.session.commit()
        for key in tenant_keys:
            self.cache.invalidate(key)
