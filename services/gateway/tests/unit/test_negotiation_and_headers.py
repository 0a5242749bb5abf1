"""Content negotiation for error pages and the headers that cross the gateway."""

from __future__ import annotations

import pytest
from gateway.forward_headers import client_response_headers, upstream_request_headers
from gateway.negotiation import prefers_json


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, False),
        (b"*/*", False),
        (b"text/html,application/xhtml+xml,*/*;q=0.8", False),
        (b"application/json", True),
        (b"application/json, text/html;q=0.5", True),
        (b"text/html;q=0.5, application/json;q=0.9", True),
        (b"application/problem+json", True),
    ],
)
def test_json_only_when_preferred(accept: bytes | None, expected: bool) -> None:
    assert prefers_json(accept) is expected


def test_client_headers_lose_tenant_and_hop_by_hop_fields() -> None:
    sent = [
        (b"Host", b"example.org"),
        (b"Connection", b"close, X-Hop"),
        (b"X-Hop", b"1"),
        (b"Fiware-Service", b"victim"),
        (b"FIWARE-SERVICEPATH", b"/x"),
        (b"X-Dazzler-Context", b"forged"),
        (b"X-Forwarded-For", b"10.0.0.1"),
        (b"Accept", b"a"),
        (b"Accept", b"b"),
        (b"Content-Length", b"3"),
    ]
    out = upstream_request_headers(
        sent,
        client_ip="127.0.0.1",
        scheme="https",
        prefix="/dazzler/acme/-/r",
        request_id="rid",
        context={"X-Dazzler-Context": "real"},
    )
    assert out == [
        ("Accept", "a"),
        ("Accept", "b"),
        ("Content-Length", "3"),
        ("X-Forwarded-For", "10.0.0.1, 127.0.0.1"),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "example.org"),
        ("X-Forwarded-Prefix", "/dazzler/acme/-/r"),
        ("X-Request-ID", "rid"),
        ("X-Dazzler-Context", "real"),
    ]


def test_response_headers_keep_end_to_end_fields_only() -> None:
    upstream = [
        (b"Content-Type", b"text/plain"),
        (b"Content-Encoding", b"gzip"),
        (b"Transfer-Encoding", b"chunked"),
        (b"Connection", b"X-Internal"),
        (b"X-Internal", b"1"),
        (b"Set-Cookie", b"a=1"),
        (b"Set-Cookie", b"b=2"),
        (b"X-Request-ID", b"board"),
        (b"Server", b"uvicorn"),
        (b"X-Powered-By", b"Python/3.11"),
    ]
    assert client_response_headers(upstream, b"rid") == [
        (b"content-type", b"text/plain"),
        (b"content-encoding", b"gzip"),
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
        (b"x-request-id", b"rid"),
    ]
