"""Whether a client would rather read JSON than HTML."""

from __future__ import annotations


def _quality(params: list[str]) -> float:
    for param in params:
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def prefers_json(accept: bytes | None) -> bool:
    """Return True when ``Accept`` ranks JSON above HTML (ties and no header: HTML)."""
    if not accept:
        return False
    best_json = best_html = 0.0
    for item in accept.decode("latin-1").split(","):
        media, *params = item.split(";")
        media = media.strip().lower()
        q = _quality(params)
        if media in ("application/json", "application/*") or media.endswith("+json"):
            best_json = max(best_json, q)
        elif media in ("text/html", "text/*", "application/xhtml+xml"):
            best_html = max(best_html, q)
        elif media == "*/*":
            best_json = max(best_json, q * 0.99)
            best_html = max(best_html, q)
    return best_json > best_html
