"""What ``GET /v1/changes`` answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ChangesRead(BaseModel):
    """The current generation and the tenants changed since the one the caller knew."""

    generation: int = Field(description="Id of the latest change; 0 before any write.")
    tenants: list[str] = Field(
        description='Lower-cased slugs changed after `after`; `["*"]` means drop every '
        "cached tenant (the caller's generation is unknown here, or too many changed)."
    )
