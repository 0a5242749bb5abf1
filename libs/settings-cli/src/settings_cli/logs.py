"""One logging setup for every service: readable lines locally, JSON lines in containers.

``text`` (the default, what `make run` shows) prints ``LEVEL logger: message`` with no
colour codes; ``json`` prints one object per line with ``service``, ``level``, ``logger``
and ``message``, for log collectors. Access logs (uvicorn's, httpx's) are demoted to
DEBUG: they show only when the level is ``debug``.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
from datetime import UTC, datetime
from typing import Any, Literal

__all__ = ["LogFormat", "configure_logging", "logging_config"]

LogFormat = Literal["text", "json"]

# Loggers that write one line per request: at INFO they would drown everything else.
ACCESS_LOGGERS = ("uvicorn.access", "httpx", "werkzeug")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def _plain(text: str) -> str:
    return _ANSI.sub("", text)


class TextFormatter(logging.Formatter):
    """``LEVEL logger: message`` on one line; the process manager adds time and service."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname} {record.name}: {_plain(record.getMessage())}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per record, extra fields included, colour codes removed."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "service": self.service,
            "level": record.levelname,
            "logger": record.name,
            "message": _plain(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "color_message":
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class DemoteToDebug(logging.Filter):
    """Re-levels request lines to DEBUG and lets them through only when DEBUG is enabled.

    It sits on the handler, which each configuration replaces, so a later setup without
    it (``access_log``) really drops it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(ACCESS_LOGGERS):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)


def logging_config(
    service: str, level: str, fmt: LogFormat, *, access_log: bool = False
) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` setup (also uvicorn's ``log_config``, so every
    worker process applies the same). ``access_log`` keeps request lines at their level."""
    if fmt not in ("text", "json"):
        raise ValueError(f"log format must be 'text' or 'json', got {fmt!r}")
    formatter: dict[str, Any] = (
        {"()": JsonFormatter, "service": service} if fmt == "json" else {"()": TextFormatter}
    )
    # uvicorn's own loggers carry handlers of their own: drop them, let records reach root.
    quiet = {"handlers": [], "propagate": True}
    loggers = {name: dict(quiet) for name in ("uvicorn", "uvicorn.error", *ACCESS_LOGGERS)}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": formatter},
        "filters": {"access": {"()": DemoteToDebug}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "stream": "ext://sys.stderr",
                "filters": [] if access_log else ["access"],
            }
        },
        "loggers": loggers,
        "root": {"handlers": ["stderr"], "level": level.upper()},
    }


def configure_logging(
    service: str, level: str, fmt: LogFormat = "text", *, access_log: bool = False
) -> None:
    """Send every record of this process to stderr in ``fmt`` at ``level``."""
    logging.config.dictConfig(logging_config(service, level, fmt, access_log=access_log))
