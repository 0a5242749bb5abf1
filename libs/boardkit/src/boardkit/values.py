"""Checks of the values a live page sends back: anything a Dash control or the kit's own
cursor store could not have produced is a malformed request (answered 400), not a
reason for the callback to fail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boardkit.guard import MalformedCallback


def checked_selection(value: Any) -> Any:
    """The entity picker's value: None, one id, or a list of ids."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and all(v is None or isinstance(v, str) for v in value):
        return value
    raise MalformedCallback("the entity selection is not an id or a list of ids")


def checked_text(value: Any, what: str) -> str | None:
    """A dropdown or text input's value: None or a string."""
    if value is None or isinstance(value, str):
        return value
    raise MalformedCallback(f"{what} is not text")


def checked_number(value: Any, what: str) -> Any:
    """A number input's value: None, a number, or the text typed so far."""
    if value is None or isinstance(value, int | float | str):
        return value
    raise MalformedCallback(f"{what} is not a number")


def checked_cursor(value: Any) -> Mapping[str, Any] | None:
    """The cursor store the kit filled: None or the object the last answer sent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MalformedCallback("the cursor is not an object")
    last = value.get("last")
    keys = value.get("keys", [])
    if last is not None and not isinstance(last, str):
        raise MalformedCallback("the cursor's last time is not text")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise MalformedCallback("the cursor's trace keys are not a list of strings")
    return value


def checked_figure(value: Any) -> Mapping[str, Any] | None:
    """A graph's figure as the browser holds it: None or an object with a list of traces."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MalformedCallback("the figure is not an object")
    data = value.get("data", [])
    if data is not None and (
        not isinstance(data, list) or not all(isinstance(t, dict) for t in data)
    ):
        raise MalformedCallback("the figure's traces are not a list of objects")
    return value
