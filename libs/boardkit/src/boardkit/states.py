"""What a viewer is told about the data: the one place errors become user-facing states.

A callback never lets an exception reach Dash (which would leave a silently stale figure
and a 500 in the log): it maps it here to a :class:`Status` the status line shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from boardkit.cache import CachedFailure
from boardkit.failures import FailureKind, failure_kind
from boardkit.windows import InvalidWindow

StatusKind = Literal["loading", "live", "paused", "empty", "unavailable", "invalid", "idle"]


@dataclass(frozen=True, slots=True)
class Status:
    """A state the page shows: its kind (also a CSS hook) and a sentence for people."""

    kind: StatusKind
    message: str

    @property
    def css_class(self) -> str:
        """CSS classes of the status line; ``bk-status-<kind>`` lets tests and styles
        find it."""
        return status_class(self.kind)

    @property
    def color(self) -> str:
        """Bootstrap contextual colour for the status badge."""
        return {
            "live": "success",
            "paused": "secondary",
            "loading": "info",
            "empty": "secondary",
            "idle": "secondary",
            "invalid": "warning",
            "unavailable": "danger",
        }[self.kind]


def status_class(kind: str) -> str:
    """CSS classes of the status line for a state of ``kind``."""
    return f"py-1 px-2 mb-2 small bk-status bk-status-{kind}"


LOADING = Status("loading", "Loading…")
NO_SELECTION = Status("idle", "Choose one or more entities to see their data.")
NO_DATA = Status("empty", "No data yet in this time window.")
UNAVAILABLE = Status(
    "unavailable", "Data source unavailable — retrying. The last data received stays on screen."
)


REFUSED = Status("invalid", "The data source refused this query; try another window.")


def waiting_for(entity_type: str, service: str, service_path: str) -> Status:
    """Nothing to pick: no entity of the board's type exists yet for this tenant."""
    return Status(
        "empty",
        f"Waiting for {entity_type} data: QuantumLeap has no {entity_type} entities yet "
        f"for Fiware-Service “{service}” (service path {service_path}). To send some, run "
        f"the simulator for this tenant (python -m sim generate --tenants {service}); "
        "docs/entities.md lists what each board reads.",
    )


def live(points: int) -> Status:
    """Data is on screen and updating."""
    return Status("live", f"Live · {points} points on screen")


def paused(points: int) -> Status:
    """A past range: nothing new can arrive."""
    return Status("paused", f"{points} points in the chosen range (not updating)")


def status_for_failure(kind: FailureKind) -> Status:
    """What the viewer sees for a failed query of this kind."""
    if kind is FailureKind.REFUSED:
        return REFUSED
    return UNAVAILABLE


def status_for_error(exc: BaseException) -> Status:
    """Map anything a data query may raise to what the viewer sees."""
    if isinstance(exc, InvalidWindow):
        return Status("invalid", f"Time window: {exc}")
    if isinstance(exc, CachedFailure):
        return status_for_failure(exc.kind)
    return status_for_failure(failure_kind(exc))
