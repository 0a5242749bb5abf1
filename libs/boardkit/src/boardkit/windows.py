"""Time windows: what a viewer asks to see, and what QuantumLeap is asked for.

The picker offers "last N points", three rolling spans and a custom range. Custom ranges
are typed in the tenant's timezone and sent to QL in UTC with an explicit offset, because
QL reads naive timestamps in its database session's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WindowKind = Literal["last_n", "span", "range"]

SPANS: dict[str, timedelta] = {
    "15m": timedelta(minutes=15),
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
}
LAST_N = "last_n"
CUSTOM = "custom"
MAX_LAST_N = 10_000


class InvalidWindow(ValueError):
    """The viewer's window choice cannot be turned into a query (the message says why)."""


@dataclass(frozen=True, slots=True)
class Window:
    """A resolved window: the last ``last_n`` points, a rolling ``span``, or a fixed range."""

    kind: WindowKind
    last_n: int | None = None
    span: timedelta | None = None
    start: datetime | None = None
    end: datetime | None = None

    @property
    def key(self) -> str:
        """Identifies the window in cache keys; rolling windows do not depend on 'now'."""
        if self.kind == "last_n":
            return f"n{self.last_n}"
        if self.kind == "span":
            assert self.span is not None
            return f"s{int(self.span.total_seconds())}"
        assert self.start is not None
        assert self.end is not None
        return f"r{self.start.isoformat()}/{self.end.isoformat()}"

    def bounds(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """The ``(from_date, to_date)`` to send at ``now``, both aware UTC or None."""
        if self.kind == "span":
            assert self.span is not None
            return now.astimezone(UTC) - self.span, None
        if self.kind == "range":
            return self.start, self.end
        return None, None

    def is_live(self, now: datetime) -> bool:
        """Whether new points can still fall in the window (a past range cannot grow)."""
        return self.kind != "range" or (self.end is not None and self.end > now)


def tenant_zone(name: str) -> ZoneInfo:
    """The tenant's timezone, or UTC when the name is unknown to this machine."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_local(value: str, zone: ZoneInfo) -> datetime:
    """Read an HTML ``datetime-local`` value typed in ``zone`` as an aware UTC datetime."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidWindow(f"not a date and time: {value!r}") from exc
    local = naive.replace(tzinfo=zone) if naive.tzinfo is None else naive
    return local.astimezone(UTC)


def resolve_window(
    choice: str | None,
    last_n: int | float | str | None,
    start: str | None,
    end: str | None,
    zone: ZoneInfo,
) -> Window:
    """Turn the picker's values into a :class:`Window`, or raise InvalidWindow."""
    if choice in SPANS:
        return Window("span", span=SPANS[choice])
    if choice == CUSTOM:
        if not start or not end:
            raise InvalidWindow("choose both the start and the end of the range")
        first, last = parse_local(start, zone), parse_local(end, zone)
        if last <= first:
            raise InvalidWindow("the end of the range must come after its start")
        return Window("range", start=first, end=last)
    if choice in (None, LAST_N):
        wanted = f"enter a whole number of points from 1 to {MAX_LAST_N}"
        if last_n is None or last_n == "":
            # The browser sends no value for a number outside the field's bounds (0, -3):
            # showing a default instead would hide that the entry was not taken.
            raise InvalidWindow(f"no number of points given; {wanted}")
        try:
            count = int(last_n)
        except (TypeError, ValueError) as exc:
            raise InvalidWindow(f"{last_n!r} is not a number of points; {wanted}") from exc
        if count != last_n and str(count) != str(last_n).strip():
            raise InvalidWindow(f"{last_n!r} is not a whole number of points; {wanted}")
        if not 1 <= count <= MAX_LAST_N:
            raise InvalidWindow(f"{count} points cannot be shown; {wanted}")
        return Window("last_n", last_n=count)
    raise InvalidWindow(f"unknown time window {choice!r}")


def local_naive(moment: datetime, zone: ZoneInfo) -> str:
    """``moment`` as wall-clock time in ``zone`` without offset, the form Plotly draws as is
    (Plotly ignores offsets in date strings, so converting here is what makes the axis read
    in the tenant's time)."""
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(timespec="milliseconds")


def age_text(last: datetime | None, now: datetime) -> str:
    """A short 'how old is the newest point' text for the footer."""
    if last is None:
        return "no data yet"
    seconds = max(0, int((now - last).total_seconds()))
    if seconds < 60:
        return f"last point {seconds} s ago"
    if seconds < 3600:
        return f"last point {seconds // 60} min ago"
    if seconds < 86400:
        return f"last point {seconds // 3600} h ago"
    return f"last point {seconds // 86400} d ago"
