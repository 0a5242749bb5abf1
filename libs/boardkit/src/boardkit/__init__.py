"""boardkit: the app factory, page shell and live-update machinery of Dazzler boards.

A board service declares its boards and builds one app serving every tenant::

    from boardkit import Board, BoardSettings, LiveView, create_board_app

    app = create_board_app(settings, [Board("roughnator", "Surface roughness", EXPLAIN,
                                            live=LiveView(...))])

See libs/boardkit/README.md for the full guide.
"""

from boardkit.app import BoardApp, create_board_app
from boardkit.boards import Board
from boardkit.cache import CachedFailure, MemoryCache, WindowCache
from boardkit.clients import Clients
from boardkit.config import BoardSettings
from boardkit.context import NoTenantContext, current_context, maybe_context
from boardkit.controls import (
    download_control,
    entity_picker,
    status_line,
    status_outputs,
    window_picker,
)
from boardkit.downloads import figure_csv, figure_rows
from boardkit.failures import FailureKind
from boardkit.frames import ENTITY, Frame, frame_from_series, merge_frames
from boardkit.gaps import with_gaps
from boardkit.guard import MalformedCallback
from boardkit.palettes import Palette
from boardkit.panels import (
    NOT_CHOSEN,
    Panels,
    PanelView,
    Picker,
    Slots,
    Source,
    SourceData,
    SourceRequest,
    Tab,
    control_id,
)
from boardkit.runtime import Runtime, Stopwatch, fiware_context, tenant_refresh_seconds
from boardkit.serve import serve
from boardkit.shared_cache import RedisCache
from boardkit.states import NO_DATA, Status, status_for_error
from boardkit.theme import (
    ALERT_COLOR,
    CALM_COLOR,
    THRESHOLD_COLOR,
    figure_template,
    series_color,
)
from boardkit.views import (
    Extension,
    LiveHeader,
    LiveView,
    Trace,
    ViewContext,
    empty_figure,
    extension,
)
from boardkit.windows import InvalidWindow, Window, local_naive, resolve_window, tenant_zone

__version__ = "0.1.0"

__all__ = [
    "ALERT_COLOR",
    "CALM_COLOR",
    "ENTITY",
    "NOT_CHOSEN",
    "NO_DATA",
    "THRESHOLD_COLOR",
    "Board",
    "BoardApp",
    "BoardSettings",
    "CachedFailure",
    "Clients",
    "Extension",
    "FailureKind",
    "Frame",
    "InvalidWindow",
    "LiveHeader",
    "LiveView",
    "MalformedCallback",
    "MemoryCache",
    "NoTenantContext",
    "Palette",
    "PanelView",
    "Panels",
    "Picker",
    "RedisCache",
    "Runtime",
    "Slots",
    "Source",
    "SourceData",
    "SourceRequest",
    "Status",
    "Stopwatch",
    "Tab",
    "Trace",
    "ViewContext",
    "Window",
    "WindowCache",
    "__version__",
    "control_id",
    "create_board_app",
    "current_context",
    "download_control",
    "empty_figure",
    "entity_picker",
    "extension",
    "figure_csv",
    "figure_rows",
    "figure_template",
    "fiware_context",
    "frame_from_series",
    "local_naive",
    "maybe_context",
    "merge_frames",
    "resolve_window",
    "series_color",
    "serve",
    "status_for_error",
    "status_line",
    "status_outputs",
    "tenant_refresh_seconds",
    "tenant_zone",
    "window_picker",
    "with_gaps",
]
