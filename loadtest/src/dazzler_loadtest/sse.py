"""Server-sent events read from a byte stream, as a browser's EventSource reads them.

Only what the push client needs: ``event``, ``data`` (several lines joined by ``\\n``),
``id`` and ``retry`` fields; comment lines (``: hb``) are counted, not returned. Each
event carries its size on the wire, so byte figures include the framing.
"""

from __future__ import annotations

from dataclasses import dataclass


class StreamFormatError(ValueError):
    """Bytes that are not server-sent events (or an event larger than the limit)."""


# An event this large is not one of the kit's frames: the stream is wrong, stop reading.
MAX_EVENT_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Event:
    """One dispatched event."""

    event: str
    data: str
    id: str | None
    size: int


@dataclass(slots=True)
class SseParser:
    """Feed it chunks as they arrive; it returns the events completed by each chunk."""

    buffer: bytes = b""
    comments: int = 0
    retry_ms: int | None = None
    last_id: str | None = None

    def feed(self, chunk: bytes) -> list[Event]:
        self.buffer += chunk
        events: list[Event] = []
        while True:
            end, gap = _block_end(self.buffer)
            if end < 0:
                break
            block = self.buffer[:end]
            self.buffer = self.buffer[end + gap :]
            event = self._parse(block, end + gap)
            if event is not None:
                events.append(event)
        if len(self.buffer) > MAX_EVENT_BYTES:
            raise StreamFormatError(f"an event longer than {MAX_EVENT_BYTES} bytes")
        return events

    def _parse(self, block: bytes, size: int) -> Event | None:
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StreamFormatError(f"an event that is not UTF-8: {exc}") from None
        name, data, event_id = "message", [], None
        for line in text.replace("\r\n", "\n").split("\n"):
            if line.startswith(":"):
                self.comments += 1
                continue
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "data":
                data.append(value)
            elif field == "event":
                name = value
            elif field == "id":
                event_id = value
            elif field == "retry" and value.isdigit():
                self.retry_ms = int(value)
        if event_id is not None:
            self.last_id = event_id
        if not data:
            return None
        return Event(name, "\n".join(data), event_id, size)


def _block_end(buffer: bytes) -> tuple[int, int]:
    """Where the first complete event ends, and the length of the blank line after it."""
    lf = buffer.find(b"\n\n")
    crlf = buffer.find(b"\r\n\r\n")
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return crlf, 4
    return lf, 2
