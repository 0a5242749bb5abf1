"""Bodies shared by every part of the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """Every error except validation: a message and a stable machine-readable code."""

    detail: str
    code: str


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for error status codes."""
    return {code: {"model": ErrorBody} for code in codes}
