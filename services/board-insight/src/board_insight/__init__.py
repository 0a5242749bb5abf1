"""The insight boards: Insight Generator recommendations per KPI (insight, insight-preview)."""
