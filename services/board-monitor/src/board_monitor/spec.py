"""The monitor's spec as the signed context carries it in the board settings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from tenant_context import MONITOR_SETTING, MonitorSpec


class UnreadableSpec(ValueError):
    """The board settings hold no spec this board can draw (the message says why)."""


@lru_cache(maxsize=256)
def _parse(encoded: str) -> MonitorSpec:
    return MonitorSpec.model_validate_json(encoded)


def spec_from_settings(settings: Mapping[str, Any]) -> MonitorSpec:
    """The spec in ``settings``; parsed once per distinct spec, since every poll asks."""
    raw = settings.get(MONITOR_SETTING)
    if not isinstance(raw, Mapping):
        raise UnreadableSpec("the board settings carry no monitor spec")
    try:
        return _parse(json.dumps(raw, sort_keys=True))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "spec"
        raise UnreadableSpec(f"{where}: {first['msg']}") from exc
