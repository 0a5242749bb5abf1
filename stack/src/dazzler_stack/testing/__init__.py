"""Test support: what the workspace's tests and benchmarks start and drive.

Not used by ``make run``. Its third-party needs (``psycopg``, ``playwright``) are the
stack package's ``testing`` extra, installed with the workspace's ``dev`` group.

- :func:`board_stack` starts a board behind the real gateway and tenant registry (with
  :class:`~dazzler_stack.LocalStack`) and gives a :class:`BoardStack`;
- :func:`scratch_database` creates a uniquely named PostgreSQL database and drops it after;
- :func:`chromium` and :func:`recording_page` drive Debian's Chromium with Playwright and
  record what the page's console reports;
- :func:`live_update_request` and :func:`live_outputs` speak a live board's main callback
  without a browser;
- :func:`~dazzler_stack.free_port` is the one way to pick a port.
"""

from dazzler_stack.ports import free_port, free_ports
from dazzler_stack.testing.boards import BoardStack, Tenant, board_stack
from dazzler_stack.testing.browser import CHROMIUM, CHROMIUM_ARGS, chromium, recording_page
from dazzler_stack.testing.callbacks import LIVE_OUTPUTS, live_outputs, live_update_request
from dazzler_stack.testing.databases import PG_ADMIN, scratch_database
from dazzler_stack.testing.series import Series

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LIVE_OUTPUTS",
    "PG_ADMIN",
    "BoardStack",
    "Series",
    "Tenant",
    "board_stack",
    "chromium",
    "free_port",
    "free_ports",
    "live_outputs",
    "live_update_request",
    "recording_page",
    "scratch_database",
]
