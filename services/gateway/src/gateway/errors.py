"""What can go wrong with a request, in the gateway's words.

::

    GatewayError
    ├── NotFound              unknown/disabled tenant, ungranted board, bad path   → 404
    ├── Unauthorized          OIDC mode: token missing or invalid                  → 401
    ├── Forbidden             OIDC mode: token is for another tenant               → 403
    ├── BodyTooLarge          request body over the limit                          → 413
    ├── RegistryUnavailable   registry unreachable, no usable cached decision      → 503
    ├── BoardUnavailable      no replica of the board's service accepted it        → 503
    ├── UpstreamFailed        a replica broke off while answering                  → 502
    └── UpstreamTimeout       a replica took too long                              → 504

The statuses are given in one place: :mod:`gateway.error_pages`.
"""

from __future__ import annotations


class GatewayError(Exception):
    """Base of every error the gateway answers with a page of its own."""


class NotFound(GatewayError):
    """Nothing is served here; deliberately the same for every reason."""


class Unauthorized(GatewayError):
    """A bearer token is required and the request has none that is valid."""


class Forbidden(GatewayError):
    """The bearer token is valid but names another tenant."""


class BodyTooLarge(GatewayError):
    """The request body is larger than ``max_body_bytes``."""


class RegistryUnavailable(GatewayError):
    """The registry cannot be asked and nothing known about the tenant is fresh enough."""


class BoardUnavailable(GatewayError):
    """Every replica of the board's service refused or is marked down."""

    def __init__(self, board_title: str) -> None:
        super().__init__(f"{board_title} is unavailable")
        self.board_title = board_title


class UpstreamFailed(GatewayError):
    """A replica accepted the request but its answer broke off."""


class UpstreamTimeout(GatewayError):
    """A replica did not answer within ``upstream_timeout``."""
