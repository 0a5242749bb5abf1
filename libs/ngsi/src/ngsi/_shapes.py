"""Shape checks for decoded JSON: the answer is an object, or an array, or it is an error."""

from __future__ import annotations

from typing import Any

from ngsi._exceptions import ResponseFormatError


def as_dict(body: Any, what: str) -> dict[str, Any]:
    """``body`` if it is a JSON object, else ResponseFormatError."""
    if not isinstance(body, dict):
        raise ResponseFormatError(f"{what}: expected a JSON object, got {kind_of(body)}")
    return body


def as_list(body: Any, what: str) -> list[Any]:
    """``body`` if it is a JSON array, else ResponseFormatError."""
    if not isinstance(body, list):
        raise ResponseFormatError(f"{what}: expected a JSON array, got {kind_of(body)}")
    return body


def kind_of(value: Any) -> str:
    """A short description of a JSON value's kind for error messages."""
    if value is None:
        return "null/missing"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
