"""Log lines: plain one-liners in text, parseable objects in json, requests only at debug."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from settings_cli.logs import configure_logging, logging_config

COLOURED = "\x1b[32mGET /readyz\x1b[0m answered"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_text_lines_have_level_logger_and_message_without_escapes_or_json(capsys) -> None:
    configure_logging("registry", "info", "text")

    logging.getLogger("registry.app").warning(COLOURED)

    assert _lines(capsys) == ["WARNING registry.app: GET /readyz answered"]


def test_json_lines_parse_and_name_the_service(capsys) -> None:
    configure_logging("gateway", "info", "json")

    logging.getLogger("gateway.proxy").info(COLOURED, extra={"tenant": "acme"})

    (line,) = _lines(capsys)
    entry = json.loads(line)
    assert "\x1b" not in line
    assert entry["service"] == "gateway"
    assert (entry["level"], entry["logger"]) == ("INFO", "gateway.proxy")
    assert entry["message"] == "GET /readyz answered"
    assert entry["tenant"] == "acme"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_request_logs_show_only_at_debug(capsys, fmt) -> None:
    configure_logging("board-demo", "info", fmt)
    logging.getLogger("uvicorn.access").info("127.0.0.1 - GET / 200")
    logging.getLogger("httpx").info("HTTP Request: GET http://ql/v2 200")
    assert _lines(capsys) == []

    configure_logging("board-demo", "debug", fmt)
    logging.getLogger("uvicorn.access").info("127.0.0.1 - GET / 200")
    (line,) = _lines(capsys)
    assert "DEBUG" in line
    assert "GET / 200" in line


def test_request_logs_asked_for_show_at_info(capsys) -> None:
    configure_logging("board-demo", "info", "text", access_log=True)

    logging.getLogger("uvicorn.access").info("127.0.0.1 - GET / 200")

    assert _lines(capsys) == ["INFO uvicorn.access: 127.0.0.1 - GET / 200"]


def test_uvicorn_messages_reach_the_same_format(capsys) -> None:
    configure_logging("sim", "info", "text")

    logging.getLogger("uvicorn.error").info("Application startup complete.")

    assert _lines(capsys) == ["INFO uvicorn.error: Application startup complete."]


def test_an_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="'text' or 'json', got 'xml'"):
        logging_config("sim", "info", "xml")  # type: ignore[arg-type]
