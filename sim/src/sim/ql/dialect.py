"""The two QL response dialects: 1.0.0 (`entityId`, 404 on empty) and 1.0.1 (`id`, `[]`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DialectName = Literal["1.0.0", "1.0.1"]


@dataclass(frozen=True, slots=True)
class Dialect:
    """Key names and version string of one QL release."""

    name: DialectName

    @property
    def legacy(self) -> bool:
        return self.name == "1.0.0"

    @property
    def id_key(self) -> str:
        return "entityId" if self.legacy else "id"

    @property
    def type_key(self) -> str:
        return "entityType" if self.legacy else "type"

    @property
    def version(self) -> str:
        return "1.0.0" if self.legacy else "1.0.1-dev"
