"""The push generator in several processes, so that no one event loop is the limit.

Past a few thousand streams one asyncio process receives frames late (its loop runs
behind) and would blame the server for it. With ``--processes N`` each of N forked
processes holds every N-th viewer on its own loop; they open one common window once all
of them have their viewers streaming (or gave up waiting), and the parent merges what they
measured into one set of figures. Each process's CPU and loop delay is reported; a run
where any of them was bound is not counted.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import time
from collections.abc import Sequence
from dataclasses import replace
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as EventType
from typing import Any

from dazzler_loadtest.push import (
    PushOptions,
    PushPart,
    Share,
    WindowClock,
    figures,
    now_ms,
    run_part,
    run_push,
)
from dazzler_loadtest.push_ledger import Ledger

# The parent opens the window this far ahead, so every process starts it on time.
_LEAD_MS = 200.0
_POLL_SECONDS = 0.05


class ProcessFailed(RuntimeError):
    """A generator process ended without its part of the figures."""


class SharedClock(WindowClock):
    """Each process says when its viewers stream; the parent sets one start for all."""

    def __init__(
        self, ready: Synchronized[int], start_ms: Synchronized[float], opened: EventType
    ) -> None:
        self.ready = ready
        self.start_ms = start_ms
        self.opened = opened

    async def window_start(self, ledger: Ledger, open_wait: float) -> float:
        await super().window_start(ledger, open_wait)
        with self.ready.get_lock():
            self.ready.value += 1
        await asyncio.to_thread(self.opened.wait)
        return float(self.start_ms.value)


def _work(
    options: PushOptions,
    share: Share,
    clock: SharedClock,
    results: multiprocessing.SimpleQueue[PushPart],
) -> None:
    part = asyncio.run(run_part(options, share, clock))
    # The loop's event of the ledger cannot cross processes; a fresh one can.
    results.put(replace(part, ledger=replace(part.ledger, all_open=asyncio.Event())))


def run(options: PushOptions) -> dict[str, Any]:
    """The run's figures: in this process, or in ``options.processes`` forked ones."""
    if options.processes <= 1:
        return asyncio.run(run_push(options))
    # Every process must draw the same spread of viewers.
    if options.seed is None:
        options = replace(options, seed=random.randrange(1 << 30))
    context = multiprocessing.get_context("fork")
    clock = SharedClock(context.Value("i", 0), context.Value("d", 0.0), context.Event())
    results: multiprocessing.SimpleQueue[PushPart] = context.SimpleQueue()
    workers = [
        context.Process(
            target=_work,
            args=(options, Share(index, options.processes), clock, results),
            name=f"push-generator-{index}",
            daemon=True,
        )
        for index in range(options.processes)
    ]
    for worker in workers:
        worker.start()
    try:
        _open_window(clock, workers)
        parts = [_next_part(results, workers) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=5.0)
            if worker.is_alive():
                worker.kill()
    return figures(options, parts)


def _open_window(clock: SharedClock, workers: Sequence[BaseProcess]) -> None:
    while clock.ready.value < len(workers):
        _check_alive(workers)
        time.sleep(_POLL_SECONDS)
    clock.start_ms.value = now_ms() + _LEAD_MS
    clock.opened.set()


def _next_part(
    results: multiprocessing.SimpleQueue[PushPart],
    workers: Sequence[BaseProcess],
) -> PushPart:
    while results.empty():
        _check_alive(workers)
        time.sleep(_POLL_SECONDS)
    return results.get()


def _check_alive(workers: Sequence[BaseProcess]) -> None:
    for worker in workers:
        if worker.exitcode not in (None, 0):
            raise ProcessFailed(f"{worker.name} exited with {worker.exitcode}")
