"""What a board's own fetch may query: the FIWARE clients the kit's runtime holds."""

from __future__ import annotations

from typing import Protocol

from ngsi import AsyncOrionClient, AsyncQuantumLeapClient


class Clients(Protocol):
    """The FIWARE clients a source queries (the kit's runtime holds them)."""

    @property
    def ql(self) -> AsyncQuantumLeapClient: ...

    @property
    def orion(self) -> AsyncOrionClient: ...
