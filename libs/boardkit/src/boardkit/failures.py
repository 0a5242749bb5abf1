"""What kind of failure a data query met: decided once, where the error is caught.

The kind travels with the cached failure (in process and through Redis), so every viewer
of one failed query sees the same state, the first as well as those served from the cache.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from ngsi import ApiError, NgsiError, TransportError

_log = logging.getLogger("boardkit.failures")


class FailureKind(StrEnum):
    """Why a query gave no data."""

    UNAVAILABLE = "unavailable"
    """The source did not answer, timed out, answered 5xx or something unreadable."""
    REFUSED = "refused"
    """The source answered 4xx: this query cannot succeed as asked."""
    UNEXPECTED = "unexpected"
    """Anything else: a bug, logged with its traceback where it was caught."""


def failure_kind(exc: BaseException) -> FailureKind:
    """Classify an exception raised by a query (logs it once, here)."""
    if isinstance(exc, ApiError) and 400 <= exc.status < 500:
        _log.warning("query refused by the data source: %s", exc)
        return FailureKind.REFUSED
    if isinstance(exc, TransportError | NgsiError | TimeoutError):
        _log.warning("data source unavailable: %s", exc)
        return FailureKind.UNAVAILABLE
    _log.error("unexpected error while querying data", exc_info=exc)
    return FailureKind.UNEXPECTED
