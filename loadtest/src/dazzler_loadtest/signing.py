"""The tenant context a gateway would sign, for viewers that reach a board directly."""

from __future__ import annotations

import time

from tenant_context import TenantContext, sign_context


class Signer:
    """The gateway's context headers for one tenant and board, re-signed each second
    for each method (a context is good for the method it was signed for only)."""

    def __init__(self, tenant: str, board: str, prefix: str, secret: str) -> None:
        self.context = TenantContext(
            tenant=tenant,
            display_name=tenant,
            fiware_service=tenant,
            board=board,
            public_prefix=prefix,
        )
        self.secret = secret
        self.signed: dict[str, tuple[int, dict[str, str]]] = {}

    def __call__(self, method: str) -> dict[str, str]:
        now = int(time.time())
        known = self.signed.get(method)
        if known is None or known[0] != now:
            known = (now, sign_context(self.context, self.secret, method=method, now=now))
            self.signed[method] = known
        return known[1]
