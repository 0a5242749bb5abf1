"""Saying once that something this process depends on fails, and once that it is back.

Many callers notice the same outage (every watched series asks Redis, every feed
subscribes to Orion); the log should say so once, not once per caller and tick.
"""

from __future__ import annotations

import logging


class OutageLog:
    """A dependency's up/down state as its callers find it, logged on each change only."""

    def __init__(self, logger: logging.Logger, failing: str, back: str) -> None:
        self._logger = logger
        self._failing = failing
        self._back = back
        self.down = False

    def failed(self, exc: BaseException) -> None:
        """A call failed: a warning, with its cause, if it was up until now."""
        if not self.down:
            self._logger.warning("%s (%s: %s)", self._failing, type(exc).__name__, exc)
        self.down = True

    def answered(self) -> None:
        """A call succeeded: a note if it was down until now."""
        if self.down:
            self._logger.info("%s", self._back)
        self.down = False
