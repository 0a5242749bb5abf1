"""Light and dark looks: Bootstrap 5.3 colour modes for the page and matching Plotly
templates for figures.

Bootstrap's CSS is served from the installed package (no CDN: factory networks are often
closed), and one stylesheet serves both modes through ``data-bs-theme``, so switching
theme per tenant costs nothing per request.
"""

from __future__ import annotations

from typing import Any

# Plotly imports numpy the first time a figure needs it, from whichever request thread
# gets there first; requests running meanwhile meet a half-imported module and fail with
# 500. Importing it with the kit, before anything is served, closes that window.
import numpy  # noqa: F401
import plotly.graph_objects as go
from tenant_context import Theme

BOOTSTRAP_CSS: dict[str, Any] = {
    "namespace": "bootstrap",
    "relative_package_path": "static/bootstrap/css/bootstrap.min.css",
}
# Loaded after Bootstrap: dark-mode colours for Dash's own controls (dropdowns etc.).
KIT_CSS: dict[str, Any] = {"namespace": "boardkit", "relative_package_path": "static/boardkit.css"}

# Colour-blind-safe series colours, in order of use.
SERIES_COLORS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
# Attention vs. fine, kept from the first boards so their users read them the same way.
ALERT_COLOR = "coral"
CALM_COLOR = "silver"
THRESHOLD_COLOR = "#dc3545"

_PALETTE: dict[Theme, dict[str, str]] = {
    "light": {"text": "#212529", "grid": "#dee2e6", "zero": "#adb5bd"},
    "dark": {"text": "#dee2e6", "grid": "#495057", "zero": "#6c757d"},
}


def figure_template(theme: Theme) -> go.layout.Template:
    """A small Plotly template matching the page in ``theme`` (transparent backgrounds,
    so the Bootstrap body colour shows through)."""
    colors = _PALETTE[theme]
    axis = {
        "gridcolor": colors["grid"],
        "zerolinecolor": colors["zero"],
        "linecolor": colors["grid"],
        "automargin": True,
    }
    return go.layout.Template(
        layout={
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"color": colors["text"], "family": "system-ui, sans-serif"},
            "colorway": list(SERIES_COLORS),
            "xaxis": axis,
            "yaxis": axis,
            "legend": {"orientation": "h", "y": -0.2},
            "margin": {"l": 50, "r": 20, "t": 30, "b": 40},
            "hovermode": "closest",
        }
    )


def series_color(position: int) -> str:
    """The colour of the ``position``-th series (entities keep their colour across traces)."""
    return SERIES_COLORS[position % len(SERIES_COLORS)]
