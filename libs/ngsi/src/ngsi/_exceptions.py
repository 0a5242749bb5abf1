"""The exceptions every ngsi call may raise, and nothing else.

::

    NgsiError                    root: catch this to catch everything below
    ├── TransportError           the request got no HTTP answer
    │   ├── NgsiTimeout          connect, read, write or pool timeout
    │   └── NgsiConnectError     nothing listens, DNS failed, connection refused
    ├── ApiError                 the server answered with a non-2xx status
    └── ResponseFormatError      a 2xx answer that is not what the API promises

Bad arguments (a naive datetime, ``aggr_period`` without ``aggr_method``, an invalid
tenant name) raise :class:`ValueError` before any request is made: they are the caller's
mistake, not the backend's.

"No data" is never an exception: QuantumLeap 1.0.0 answers it with 404 "Not Found" and
1.0.1 with 200 ``[]``, and both become an empty result.
"""

from __future__ import annotations


class NgsiError(Exception):
    """Root of every error raised by a QuantumLeap or Orion call."""


class TransportError(NgsiError):
    """The request got no HTTP answer (network, protocol or timeout problem).

    Reads are retried a few times with backoff before this is raised; writes never are.
    """


class NgsiTimeout(TransportError):
    """Connecting, sending, waiting for or reading the answer took too long."""


class NgsiConnectError(TransportError):
    """The server could not be reached: connection refused, unknown host, reset on connect."""


class ApiError(NgsiError):
    """The server answered with an error status.

    QuantumLeap writes errors three ways (``{"error", "description"}``, problem+json
    ``{"title", "detail"}``, or a bare JSON string) and Orion one
    (``{"error", "description"}``); all are normalised here.

    Attributes:
        status: the HTTP status code.
        code: a short machine-readable code: Orion's or QL's ``error`` (a Python class
            repr such as ``<class 'exceptions.exceptions.InvalidParameterValue'>`` is
            reduced to ``InvalidParameterValue``), the problem+json ``title``, or the HTTP
            reason phrase when the body has none.
        description: the human-readable text the server gave ('' if none).
    """

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(f"HTTP {status} {code}: {description}" if description else code)
        self.status = status
        self.code = code
        self.description = description

    def __reduce__(self) -> tuple[type[ApiError], tuple[int, str, str]]:
        return (type(self), (self.status, self.code, self.description))


class ResponseFormatError(NgsiError):
    """A 2xx answer that cannot be read: malformed JSON, or JSON of the wrong shape."""
