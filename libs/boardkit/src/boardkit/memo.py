"""A bounded memo: the most recently used answers of a pure function, the oldest dropped."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedMemo(Generic[V]):
    """At most ``limit`` answers by key, least recently used dropped first.

    For answers that depend on their key alone (a page built for one tenant context), so
    that one process serving thousands of tenants keeps only the busy ones.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a memo holds at least one answer")
        self._limit = limit
        self._answers: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The answer for ``key``: the kept one, or ``make()``'s, then kept. A ``make``
        that raises keeps nothing."""
        with self._lock:
            answer = self._answers.get(key, _MISSING)
            if answer is not _MISSING:
                self._answers.move_to_end(key)
                return answer  # type: ignore[return-value]
        made = make()
        with self._lock:
            self._answers[key] = made
            if len(self._answers) > self._limit:
                self._answers.popitem(last=False)
        return made


_MISSING = object()
