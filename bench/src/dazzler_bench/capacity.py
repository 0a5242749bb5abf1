"""The stepped search for the most viewers a target holds under the pass rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dazzler_bench.runs import RunResult

CONFIRM_RUNS = 3
MAX_CONFIRMATIONS = 8


@dataclass(slots=True)
class Search:
    """Every run of one search, and the figure it settled on."""

    steps: list[RunResult] = field(default_factory=list)
    confirmed: list[RunResult] = field(default_factory=list)
    max_viewers: int = 0
    capped: bool = False


def find_capacity(
    run: Callable[[int], RunResult],
    *,
    start: int,
    cap: int,
    bisections: int = 2,
    out_of_time: Callable[[], bool] = lambda: False,
) -> Search:
    """Double from ``start`` until a run fails (or ``cap``), bisect, then confirm.

    The figure is the largest viewer count whose run passed and then passed
    ``CONFIRM_RUNS`` more times (these machines are noisy); a confirmation that fails
    lowers the candidate by a sixth and tries again, while time is left.
    """
    search = Search()
    good, bad = 0, 0
    users = start
    while users <= cap and not out_of_time():
        result = run(users)
        search.steps.append(result)
        if not result.passed:
            bad = users
            break
        good = users
        users *= 2
    if good and not bad:
        search.capped = good * 2 > cap
    for _ in range(bisections):
        if not bad or bad - good <= max(2, good // 10) or out_of_time():
            break
        middle = (good + bad) // 2
        result = run(middle)
        search.steps.append(result)
        if result.passed:
            good = middle
        else:
            bad = middle
    candidate = good
    # The first confirmation runs even when time is short: a figure needs it.
    for attempt in range(MAX_CONFIRMATIONS):
        if candidate <= 0 or (attempt and out_of_time()):
            break
        runs = []
        for _ in range(CONFIRM_RUNS):
            runs.append(run(candidate))
            if not runs[-1].passed:
                break
        search.confirmed.extend(runs)
        if len(runs) == CONFIRM_RUNS and all(r.passed for r in runs):
            search.max_viewers = candidate
            break
        candidate = candidate * 5 // 6
    return search
