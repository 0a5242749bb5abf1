"""The tenant context: what the gateway tells a board about the request it forwards.

The gateway resolves ``/dazzler/<tenant>/-/<board>/`` through the tenant registry and
forwards the request with a :class:`TenantContext` in a header, signed with a secret the
gateway and the boards share. A board trusts nothing else about the tenant: not the URL,
not a client-sent ``Fiware-Service``.
"""

from tenant_context.catalogue import BOARD_CATALOGUE, BoardInfo, board_info
from tenant_context.model import BoardLink, TenantContext, Theme
from tenant_context.monitor_spec import (
    MAX_SPEC_BYTES,
    MONITOR_BOARD,
    MONITOR_SETTING,
    MonitoredAttribute,
    MonitorSpec,
    Threshold,
    monitor_json_schema,
)
from tenant_context.names import (
    BOARD_SLUG_RE,
    TENANT_SLUG_RE,
    InvalidName,
    validate_board_slug,
    validate_service_path,
    validate_tenant_slug,
)
from tenant_context.signing import (
    CONTEXT_HEADER,
    PREFIX_HEADER,
    SIGNATURE_HEADER,
    BadSignature,
    ContextError,
    MalformedContext,
    MissingContext,
    StaleContext,
    sign_context,
    verify_context,
)

__all__ = [
    "BOARD_CATALOGUE",
    "BOARD_SLUG_RE",
    "CONTEXT_HEADER",
    "MAX_SPEC_BYTES",
    "MONITOR_BOARD",
    "MONITOR_SETTING",
    "PREFIX_HEADER",
    "SIGNATURE_HEADER",
    "TENANT_SLUG_RE",
    "BadSignature",
    "BoardInfo",
    "BoardLink",
    "ContextError",
    "InvalidName",
    "MalformedContext",
    "MissingContext",
    "MonitorSpec",
    "MonitoredAttribute",
    "StaleContext",
    "TenantContext",
    "Theme",
    "Threshold",
    "board_info",
    "monitor_json_schema",
    "sign_context",
    "validate_board_slug",
    "validate_service_path",
    "validate_tenant_slug",
    "verify_context",
]
