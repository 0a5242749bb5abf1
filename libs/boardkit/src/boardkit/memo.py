"""Bounded maps: the most recently used entries kept, the least recently used dropped.

One process serves thousands of tenants, so every per-key store in the kit (cached
windows, prepared views, renderings, pages, verified contexts, compressed assets) keeps
only the busy keys; all of them hold their entries in :class:`Recent`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most ``limit`` entries; reading or writing one makes it the most recent.

    Not locked: for stores used from one event loop. :class:`BoundedMemo` locks it for
    callers on several threads.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a bounded map holds at least one entry")
        self._limit = limit
        self._entries: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._limit:
            self._entries.popitem(last=False)

    def drop(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


class BoundedMemo(Generic[V]):
    """A pure function's answers by key, at most ``limit`` of them, safe across threads.

    For answers that depend on their key alone (a page built for one tenant context).
    """

    def __init__(self, limit: int) -> None:
        self._answers: Recent[Hashable, V] = Recent(limit)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The answer for ``key``: the kept one, or ``make()``'s, then kept. A ``make``
        that raises keeps nothing."""
        with self._lock:
            answer = self._answers.get(key)
        if answer is not None:
            return answer
        made = make()
        with self._lock:
            self._answers.put(key, made)
        return made
