"""Which headers cross the gateway, in each direction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gateway.asgi import RawHeaders

# RFC 9110 §7.6.1 hop-by-hop headers, plus the ones the gateway sets itself.
_HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
    }
)
_SET_BY_GATEWAY = frozenset(
    {
        b"host",
        b"expect",
        b"x-request-id",
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
        b"x-forwarded-prefix",
        # Only the signed context may tell a board its tenant.
        b"fiware-service",
        b"fiware-servicepath",
        # The viewer's OIDC token is the gateway's to check; a board never needs it,
        # and one that logged or leaked it would hand out the viewer's identity.
        b"authorization",
    }
)
# Besides the gateway's own, what names server software and versions to the public.
_RESPONSE_DROPPED = _HOP_BY_HOP | {b"x-request-id", b"server", b"x-powered-by"}


def _connection_tokens(headers: Iterable[tuple[bytes, bytes]]) -> set[bytes]:
    tokens: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return tokens


def upstream_request_headers(
    client_headers: RawHeaders,
    *,
    client_ip: str,
    scheme: str,
    prefix: str,
    request_id: str,
    context: Mapping[str, str],
) -> list[tuple[str, str]]:
    """Return the headers to send upstream for a client request.

    End-to-end headers pass unchanged (duplicates kept); hop-by-hop ones, everything
    naming a tenant, and every ``X-Dazzler-*`` are dropped before the gateway's own are
    added.
    """
    dropped = _connection_tokens(client_headers)
    out: list[tuple[str, str]] = []
    host = ""
    forwarded_for = ""
    for raw_name, raw_value in client_headers:
        name = raw_name.lower()
        if name == b"host":
            host = raw_value.decode("latin-1")
        elif name == b"x-forwarded-for":
            forwarded_for = raw_value.decode("latin-1")
        if (
            name in _HOP_BY_HOP
            or name in _SET_BY_GATEWAY
            or name in dropped
            or name.startswith(b"x-dazzler-")
        ):
            continue
        out.append((raw_name.decode("latin-1"), raw_value.decode("latin-1")))
    out.append(("X-Forwarded-For", f"{forwarded_for}, {client_ip}" if forwarded_for else client_ip))
    out.append(("X-Forwarded-Proto", scheme))
    if host:
        out.append(("X-Forwarded-Host", host))
    out.append(("X-Forwarded-Prefix", prefix))
    out.append(("X-Request-ID", request_id))
    out.extend(context.items())
    return out


def client_response_headers(
    upstream_headers: Iterable[tuple[bytes, bytes]], request_id: bytes
) -> RawHeaders:
    """Return the upstream's response headers fit to send to the client."""
    upstream = list(upstream_headers)
    dropped = _RESPONSE_DROPPED | _connection_tokens(upstream)
    out: RawHeaders = [
        (name.lower(), value) for name, value in upstream if name.lower() not in dropped
    ]
    out.append((b"x-request-id", request_id))
    return out
