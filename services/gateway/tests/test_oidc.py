"""OIDC mode: a bearer JWT for the path's tenant, checked with locally made RSA keys."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from gateway.errors import Forbidden, Unauthorized
from gateway.oidc import TokenVerifier, load_jwks


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return _key()


@pytest.fixture(scope="module")
def jwks(signing_key: rsa.RSAPrivateKey) -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    return {"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}


def _token(key: rsa.RSAPrivateKey, kid: str = "k1", **claims: Any) -> str:
    body = {"tenant": "acme", "exp": int(time.time()) + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def test_valid_token_for_the_tenant_passes(jwks: dict[str, Any], signing_key: Any) -> None:
    verifier = TokenVerifier(jwks, algorithms=["RS256"])
    claims = verifier.check(f"Bearer {_token(signing_key)}".encode(), "ACME")
    assert claims["tenant"] == "acme"


@pytest.mark.parametrize(
    "authorization",
    [None, b"", b"Basic dXNlcjpwYXNz", b"Bearer ", b"Bearer not.a.jwt"],
)
def test_missing_or_unreadable_token_is_unauthorized(
    jwks: dict[str, Any], authorization: bytes | None
) -> None:
    with pytest.raises(Unauthorized):
        TokenVerifier(jwks, algorithms=["RS256"]).check(authorization, "acme")


def test_expired_foreign_or_unsigned_tokens_are_unauthorized(
    jwks: dict[str, Any], signing_key: Any
) -> None:
    verifier = TokenVerifier(jwks, algorithms=["RS256"], leeway=0)
    expired = _token(signing_key, exp=int(time.time()) - 60)
    foreign = _token(_key())
    unknown_kid = _token(signing_key, kid="other")
    no_exp = jwt.encode({"tenant": "acme"}, signing_key, algorithm="RS256", headers={"kid": "k1"})
    for token in (expired, foreign, unknown_kid, no_exp):
        with pytest.raises(Unauthorized):
            verifier.check(f"Bearer {token}".encode(), "acme")


def test_token_for_another_tenant_is_forbidden(jwks: dict[str, Any], signing_key: Any) -> None:
    with pytest.raises(Forbidden):
        TokenVerifier(jwks, algorithms=["RS256"]).check(
            f"Bearer {_token(signing_key, tenant='other')}".encode(), "acme"
        )


def test_audience_and_issuer_are_enforced_when_set(jwks: dict[str, Any], signing_key: Any) -> None:
    verifier = TokenVerifier(jwks, algorithms=["RS256"], issuer="https://id", audience="dazzler")
    good = _token(signing_key, iss="https://id", aud="dazzler")
    assert verifier.check(f"Bearer {good}".encode(), "acme")["aud"] == "dazzler"
    with pytest.raises(Unauthorized):
        verifier.check(f"Bearer {_token(signing_key, iss='https://id')}".encode(), "acme")


def test_jwks_loads_from_a_file_or_inline(tmp_path: Any, jwks: dict[str, Any]) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks))
    assert load_jwks(str(path)) == jwks
    assert load_jwks(json.dumps(jwks)) == jwks
    with pytest.raises(ValueError, match="not a JWKS"):
        load_jwks('{"nokeys": []}')


@pytest.fixture
def issuer_certs(jwks: dict[str, Any]) -> Iterator[str]:
    """An issuer on 127.0.0.1: its JWKS at /certs, not JSON at /html, 404 elsewhere."""

    class Certs(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            pages = {"/certs": json.dumps(jwks).encode(), "/html": b"<html>sign in</html>"}
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Certs)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_jwks_loads_from_the_issuer_url(issuer_certs: str, jwks: dict[str, Any]) -> None:
    assert load_jwks(f"{issuer_certs}/certs") == jwks


def test_jwks_url_that_fails_or_is_not_json_is_a_clear_error(issuer_certs: str) -> None:
    with pytest.raises(ValueError, match=r"cannot fetch http://127\.0\.0\.1:\d+/missing"):
        load_jwks(f"{issuer_certs}/missing")
    with pytest.raises(ValueError, match="OIDC_JWKS is not JSON"):
        load_jwks(f"{issuer_certs}/html")


@pytest.mark.integration
def test_gateway_in_oidc_mode(
    make_stack: Callable[..., Any],
    new_tenant_name: Callable[[], str],
    jwks: dict[str, Any],
    signing_key: Any,
) -> None:
    stack = make_stack({"board-demo": 1}, oidc_enabled="true", oidc_jwks=json.dumps(jwks))
    tenant = new_tenant_name()
    stack.admin.add_tenant(tenant)
    stack.admin.grant(tenant, "demo")
    url = f"/dazzler/{tenant}/-/demo/"
    assert stack.get(url).status_code == 401
    assert stack.get(url).headers["www-authenticate"].startswith("Bearer")
    other = {"Authorization": f"Bearer {_token(signing_key, tenant='someone_else')}"}
    assert stack.get(url, headers=other).status_code == 403
    mine = {"Authorization": f"Bearer {_token(signing_key, tenant=tenant)}"}
    response = stack.get(url, headers=mine)
    assert response.status_code == 200
    assert response.json()["context"]["tenant"] == tenant
    assert stack.get("/healthz").status_code == 200
