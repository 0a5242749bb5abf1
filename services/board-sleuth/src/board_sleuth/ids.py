"""Board slugs, entity types and trace keys of the sleuth service."""

from __future__ import annotations

SLEUTH = "sleuth"
RAW_MATERIALS = "raw-materials"
TWEEZERS = "tweezers"

INSPECTION_TYPE = "inspection_demo"
RAW_MATERIAL_TYPE = "raw_material"
TWEEZERS_TYPE = "tweezers_measurement"

AREA = "area"
OKAY = "okay"
CONFORMANCE = "conformance_indicator"
SPEC = "spec"

INSPECTION_ATTRS = (AREA, OKAY)
RAW_MATERIAL_ATTRS = (CONFORMANCE, OKAY)
TWEEZERS_ATTRS = (CONFORMANCE, OKAY, SPEC)

SCRAP_KEY = "scrap"
CONFORMING_KEY = "conforming"
SPEC_KEY = "spec"


def defect_key(entity_id: str, likely: bool) -> str:
    """Trace key of one camera's points with (or without) a likely defect."""
    return f"{entity_id}/{'defect' if likely else 'fine'}"
