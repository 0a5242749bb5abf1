"""The change poll: the first answer sets the baseline, later ones name what to drop."""

from __future__ import annotations

import pytest
from gateway.change_poll import ChangePoller
from gateway.registry_client import Changes, RegistryError


class Registry:
    def __init__(self) -> None:
        self.answers: list[Changes | RegistryError] = []
        self.asked: list[int | None] = []

    async def changes(self, after: int | None) -> Changes:
        self.asked.append(after)
        answer = self.answers.pop(0)
        if isinstance(answer, RegistryError):
            raise answer
        return answer


async def test_changed_tenants_are_invalidated_and_outages_drop_nothing() -> None:
    registry = Registry()
    dropped: list[str] = []
    poller = ChangePoller(registry.changes, dropped.append, interval=0.5)
    registry.answers = [
        Changes(generation=7, tenants=()),
        Changes(generation=7, tenants=()),
        RegistryError("down"),
        Changes(generation=9, tenants=("acme", "globex")),
    ]

    await poller.poll_once()
    assert dropped == ["*"]  # whatever was cached before the baseline is suspect
    await poller.poll_once()
    with pytest.raises(RegistryError):
        await poller.poll_once()
    assert dropped == ["*"]
    await poller.poll_once()

    assert dropped == ["*", "acme", "globex"]
    assert registry.asked == [None, 7, 7, 7]
    assert poller.generation == 9
