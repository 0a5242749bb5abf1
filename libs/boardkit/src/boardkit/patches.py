"""From the figure a viewer has to the new one: only what changed, as a Dash ``Patch``.

Figures are compared as plain Plotly JSON. When the traces are the same in number and
type, each changed trace attribute and each changed top-level layout entry is replaced;
otherwise (a trace appears or goes) the whole figure is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import Patch


def figure_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> Patch | None:
    """The patch turning ``old`` into ``new``; None when the whole figure must be sent."""
    old_data: list[Mapping[str, Any]] = list(old.get("data", ()))
    new_data: list[Mapping[str, Any]] = list(new.get("data", ()))
    if len(old_data) != len(new_data):
        return None
    if any(a.get("type") != b.get("type") for a, b in zip(old_data, new_data, strict=True)):
        return None
    patch = Patch()
    for index, (before, after) in enumerate(zip(old_data, new_data, strict=True)):
        for key in after.keys() | before.keys():
            if key not in after:
                del patch["data"][index][key]
            elif before.get(key) != after[key]:
                patch["data"][index][key] = after[key]
    old_layout: Mapping[str, Any] = old.get("layout", {})
    new_layout: Mapping[str, Any] = new.get("layout", {})
    for key in new_layout.keys() | old_layout.keys():
        if key not in new_layout:
            del patch["layout"][key]
        elif old_layout.get(key) != new_layout[key]:
            patch["layout"][key] = new_layout[key]
    return patch


def patch_size(patch: Patch) -> int:
    """How many operations a patch holds (0: nothing changed)."""
    operations: list[Any] = patch.to_plotly_json()["operations"]
    return len(operations)
