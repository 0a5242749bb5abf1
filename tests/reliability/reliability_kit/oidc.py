"""Locally made RSA keys and tokens for the gateway's OIDC mode."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://login.example.test/realms/dazzler"
AUDIENCE = "dazzler"


@dataclass(frozen=True, slots=True)
class Issuer:
    """A signing key the gateway trusts (``trusted``) or one it has never seen."""

    key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def new(cls, kid: str) -> Issuer:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048), kid)

    def jwks(self) -> str:
        """The JWKS JSON with this key's public half."""
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return json.dumps({"keys": [public]})

    def token(self, tenant: str | None, *, ttl: float = 600, **claims: Any) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": f"user-of-{tenant}",
            "iat": now,
            "exp": now + int(ttl),
        }
        if tenant is not None:
            payload["tenant"] = tenant
        payload.update(claims)
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})


def unsigned_token(tenant: str) -> str:
    """A token with ``alg: none``: no gateway may accept it."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "tenant": tenant, "exp": now + 600}
    return jwt.encode(claims, "", algorithm="none")


def gateway_env(issuer: Issuer) -> dict[str, str]:
    """What turns a gateway's OIDC mode on with ``issuer``'s key."""
    return {
        "DAZZLER_GATEWAY_OIDC_ENABLED": "true",
        "DAZZLER_GATEWAY_OIDC_JWKS": issuer.jwks(),
        "DAZZLER_GATEWAY_OIDC_ISSUER": ISSUER,
        "DAZZLER_GATEWAY_OIDC_AUDIENCE": AUDIENCE,
        "DAZZLER_GATEWAY_OIDC_LEEWAY": "0",
    }
