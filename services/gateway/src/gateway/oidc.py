"""Bearer-token checks for the optional OIDC mode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jwt

from gateway.errors import Forbidden, Unauthorized


def load_jwks(source: str, *, timeout: float = 10.0) -> dict[str, Any]:
    """Return the JWKS in ``source``: inline JSON if it starts with ``{``, the answer of an
    ``http(s)://`` URL (the issuer's ``…/certs``, read once at start-up), else a file path.
    """
    text = source.strip()
    if text.startswith(("http://", "https://")):
        try:
            response = httpx.get(text, timeout=timeout, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise ValueError(f"DAZZLER_GATEWAY_OIDC_JWKS: cannot fetch {text}: {exc}") from exc
        text = response.text
    elif not text.startswith("{"):
        text = Path(text).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"DAZZLER_GATEWAY_OIDC_JWKS is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ValueError("DAZZLER_GATEWAY_OIDC_JWKS is not a JWKS (an object with `keys`)")
    return data


class TokenVerifier:
    """Validates bearer JWTs against a fixed JWKS; no network fetch."""

    def __init__(
        self,
        jwks: dict[str, Any],
        *,
        algorithms: list[str],
        issuer: str = "",
        audience: str = "",
        tenant_claim: str = "tenant",
        leeway: float = 30.0,
    ) -> None:
        self._keys = jwt.PyJWKSet.from_dict(jwks).keys
        self._algorithms = algorithms
        self._issuer = issuer or None
        self._audience = audience or None
        self._tenant_claim = tenant_claim
        self._leeway = leeway

    def _key_for(self, token: str) -> Any:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise Unauthorized("unreadable token") from exc
        for key in self._keys:
            if kid is None or key.key_id == kid:
                return key.key
        raise Unauthorized("token signed by an unknown key")

    def check(self, authorization: bytes | None, tenant: str) -> dict[str, Any]:
        """Return the token's claims if it is valid and for ``tenant`` (any case).

        Raises Unauthorized for a missing or invalid token, Forbidden for another tenant.
        """
        if not authorization:
            raise Unauthorized("no bearer token")
        scheme, _, token = authorization.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("not a bearer token")
        token = token.strip()
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key_for(token),
                algorithms=self._algorithms,
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={"require": ["exp"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid token") from exc
        claimed = claims.get(self._tenant_claim)
        if not isinstance(claimed, str) or claimed.lower() != tenant.lower():
            raise Forbidden("token is for another tenant")
        return claims
