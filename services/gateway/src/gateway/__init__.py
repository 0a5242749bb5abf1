"""The tenant-checked reverse proxy in front of the Dazzler boards.

``/dazzler/<tenant>/-/<board>/…`` is forwarded to the service that serves the board, with
a signed tenant context; everything else is refused.
"""

from gateway.app import create_app
from gateway.config import Settings, get_settings

__all__ = ["Settings", "create_app", "get_settings"]
