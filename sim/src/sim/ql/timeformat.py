"""Time parsing and QuantumLeap's index formatting."""

from __future__ import annotations

from datetime import UTC, datetime


class InvalidDate(ValueError):
    """A `fromDate`/`toDate` or a time-index candidate that is not ISO 8601."""


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp into an aware UTC datetime.

    Surrounding quotes are stripped as QL does; a naive timestamp is taken as UTC
    (the database session's zone in a default QL deployment).
    """
    cleaned = text.strip().strip("\"'")
    if not cleaned or not cleaned[0].isdigit():
        raise InvalidDate(text)
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise InvalidDate(text) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_index(moment: datetime) -> str:
    """QL's index format: UTC, millisecond precision, explicit `+00:00`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+00:00"


def format_bound(moment: datetime | None) -> str:
    """A `fromDate`/`toDate` echo in aggregated type queries: no milliseconds, or ``""``."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).isoformat()


def utc_now() -> datetime:
    return datetime.now(UTC)
