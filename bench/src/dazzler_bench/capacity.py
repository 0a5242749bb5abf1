"""The stepped search for the most viewers a target holds under the pass rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

CONFIRM_RUNS = 3
MAX_CONFIRMATIONS = 8
# Confirming runs whose p95 differ by more than this factor are repeated once more.
WIDE_SPREAD = 2.0


class Step(Protocol):
    """One run at one viewer count, as a search judges it."""

    @property
    def users(self) -> int: ...

    @property
    def passed(self) -> bool: ...

    @property
    def counted(self) -> bool: ...

    @property
    def p95_ms(self) -> float: ...


S = TypeVar("S", bound=Step)


@dataclass(slots=True)
class Search(Generic[S]):
    """Every run of one search, and the figure it settled on."""

    steps: list[S] = field(default_factory=list)
    confirmed: list[S] = field(default_factory=list)
    max_viewers: int = 0
    capped: bool = False
    # A run above the figure did not count: the load generator, not the target, gave out.
    generator_bound: bool = False
    # The in-run reference between steps: a small load that must pass every time.
    references: list[Step] = field(default_factory=list)

    @property
    def disturbed(self) -> bool:
        """A reference run failed: the machine was busy with something else meanwhile."""
        return any(not r.passed for r in self.references)

    def spread(self) -> tuple[float, float]:
        """Lowest and highest p95 (ms) over the confirming runs at the figure."""
        at = [r.p95_ms for r in self.confirmed if r.users == self.max_viewers and r.passed]
        return (min(at), max(at)) if at else (0.0, 0.0)

    def figure(self) -> int | str:
        """The figure to print: the count, or why there is none to trust."""
        if self.disturbed:
            return "disturbed"
        return self.max_viewers


def find_capacity(
    run: Callable[[int], S],
    *,
    start: int,
    cap: int,
    bisections: int = 2,
    out_of_time: Callable[[], bool] = lambda: False,
    reference: Callable[[], Step] | None = None,
) -> Search[S]:
    """Double from ``start`` until a run fails (or ``cap``), bisect, then confirm.

    The figure is the largest viewer count whose run passed and then passed
    ``CONFIRM_RUNS`` more times (these machines are noisy); a confirmation that fails
    lowers the candidate by a sixth and tries again, while time is left. Confirming runs
    whose p95 spread wider than ``WIDE_SPREAD`` times get one more run. A run that does
    not count (generator-bound) ends the way up like a failure, and says so. With
    ``reference``, a small fixed load runs before each step (again when it fails) so
    that a disturbed machine shows as such instead of as a low figure.
    """
    search: Search[S] = Search()

    def step(users: int) -> S:
        if reference is not None:
            checked = reference()
            if not checked.passed:
                # One slow moment is not a busy machine: a second failure in a row is.
                checked = reference()
            search.references.append(checked)
        return run(users)

    good, bad = 0, 0
    users = start
    while users <= cap and not out_of_time():
        result = step(users)
        search.steps.append(result)
        if not result.passed:
            bad = users
            search.generator_bound = not result.counted
            break
        good = users
        users *= 2
    if good and not bad:
        search.capped = good * 2 > cap
    for _ in range(bisections):
        if not bad or bad - good <= max(2, good // 10) or out_of_time():
            break
        middle = (good + bad) // 2
        result = step(middle)
        search.steps.append(result)
        if result.passed:
            good = middle
        else:
            bad = middle
            search.generator_bound = search.generator_bound or not result.counted
    candidate = good
    # The first confirmation runs even when time is short: a figure needs it.
    for attempt in range(MAX_CONFIRMATIONS):
        if candidate <= 0 or (attempt and out_of_time()):
            break
        runs = _confirm(step, candidate)
        search.confirmed.extend(runs)
        if all(r.passed for r in runs):
            search.max_viewers = candidate
            break
        candidate = candidate * 5 // 6
    return search


def _confirm(step: Callable[[int], S], users: int) -> list[S]:
    runs: list[S] = []
    for _ in range(CONFIRM_RUNS):
        runs.append(step(users))
        if not runs[-1].passed:
            return runs
    p95s = [r.p95_ms for r in runs]
    if min(p95s) > 0 and max(p95s) / min(p95s) > WIDE_SPREAD:
        runs.append(step(users))
    return runs
