"""The generated isolation requests: who may be seen in each answer, and which statuses
are right.

Every probe names the only tenant whose data may appear in its answer (``allowed``). For
a path that names a tenant in disguise (a traversal, an encoding) ``allowed`` is the
tenant a browser would reach after RFC 3986 normalisation, so a gateway that follows
the normalised path is not blamed, but one that decodes its way to a third reading is.
"""

from __future__ import annotations

import asyncio
import json
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from tenant_context import TenantContext, sign_context

from reliability_kit import dash_calls
from reliability_kit.tenants import BOARD, TENANTS, Tenant, other

ANY_REFUSAL = frozenset({400, 401, 403, 404, 405, 413, 414, 431})
PATH_STATUSES = frozenset({200, 204, 308}) | ANY_REFUSAL


@dataclass(frozen=True, slots=True)
class Probe:
    """One request and what its answer may contain."""

    category: str
    target: str  # "plain" | "oidc" | "board": which server it goes to
    method: str
    path: str  # raw request target, sent as is
    allowed: Tenant | None
    statuses: frozenset[int]
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    must_show: bool = False  # the allowed tenant's marker must be in a 200 answer
    echoes_ids: bool = False  # the request names entity ids itself


@dataclass(slots=True)
class Result:
    probe: Probe
    status: int
    body: bytes
    problems: list[str] = field(default_factory=list)


def normalised_tenant(path: str) -> str | None:
    """The tenant a browser reaches: dot segments (also %2e-spelt) removed, RFC 3986."""
    raw = path.split("?", 1)[0]
    segments: list[str] = []
    for segment in raw.split("/")[1:]:
        if not segment:
            continue
        plain = segment.replace("%2e", ".").replace("%2E", ".")
        if plain == ".":
            continue
        if plain == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    if len(segments) >= 2 and segments[0] == "dazzler":
        return unicodedata.normalize("NFKC", unquote(segments[1])).lower()
    return None


def _owner(path: str, fallback: Tenant) -> Tenant | None:
    name = normalised_tenant(path)
    for tenant in TENANTS:
        if name == tenant.slug:
            return tenant
    # A disguised name (another case, full-width letters…) still means the tenant it
    # imitates; an unrelated name may show nobody's data.
    return fallback if name is not None and fallback.slug in name.lower() else None


def path_variants(tenant: Tenant) -> Iterator[str]:
    """Paths that start at ``tenant``'s board and try to end somewhere else."""
    t, o = tenant.slug, other(tenant).slug
    base = f"/dazzler/{t}/-/{BOARD}"
    yield f"{base}/"
    yield f"/dazzler/{t.upper()}/-/{BOARD}/"
    yield f"/dazzler/{t.capitalize()}/-/{BOARD}/_dash-layout"
    yield f"{base}/..%2F..%2F..%2F{o}%2F-%2F{BOARD}%2F"
    yield f"{base}/%2e%2e/%2e%2e/%2e%2e/{o}/-/{BOARD}/"
    yield f"{base}/%2E%2E/%2E%2E/%2e%2E/{o}/-/{BOARD}/_dash-layout"
    yield f"{base}/..%252F..%252F..%252F{o}%252F-%252F{BOARD}/"
    yield f"/dazzler/{t}%2F..%2F{o}/-/{BOARD}/"
    yield f"/dazzler/{t}%252F..%252F{o}/-/{BOARD}/"
    yield f"/dazzler/{o}%2F..%2F{t}/-/{BOARD}/_dash-layout"
    yield f"{base}/..%5C..%5C..%5C{o}%5C-%5C{BOARD}/"
    yield f"{base}/%00/../{o}/"
    yield f"/dazzler/{t};{o}/-/{BOARD}/"
    yield f"/dazzler/{t},{o}/-/{BOARD}/"
    yield f"/dazzler/{t}%20/-/{BOARD}/"
    yield f"/dazzler/{t}%C3%A9/-/{BOARD}/"
    yield "/dazzler/" + "".join(f"%EF%BD%{0x81 + ord(c) - ord('a'):02X}" for c in t) + "/-/"
    yield f"/dazzler/{t}/-/{BOARD}/" + "x" * 5000
    yield f"/dazzler/{'a' * 300}/-/{BOARD}/"
    yield f"{base}/_dash-layout?tenant={o}&fiware-service={o}&" + "q=" + "y" * 8000
    yield f"/dazzler//-/{BOARD}/"
    yield f"/dazzler/{t}/-//{BOARD}/"
    yield f"/dazzler/{t}/-/{BOARD}//_dash-layout"
    yield "/dazzler/"
    yield f"/dazzler/{t}/-/{o}/"
    yield f"/dazzler/{t}/-/{BOARD}/_dash-layout#/dazzler/{o}/-/{BOARD}/"
    yield f"/dazzler/{t}/-/{BOARD}/../../../{o}/-/{BOARD}/_dash-layout"
    yield f"/dazzler/{t}/-/{BOARD}/./../../{o}/-/{BOARD}/"
    yield f"//dazzler/{o}/-/{BOARD}/"
    yield f"/dazzler/{t}/-/{BOARD}/http://127.0.0.1/dazzler/{o}/-/{BOARD}/"


def signed(
    tenant: Tenant, secret: str, *, now: float | None = None, method: str = "GET"
) -> dict[str, str]:
    """The headers the gateway would make for a ``method`` request to ``tenant``'s
    roughnator board."""
    context = TenantContext(
        tenant=tenant.slug,
        display_name=tenant.display_name,
        fiware_service=tenant.slug,
        board=BOARD,
        public_prefix=f"/dazzler/{tenant.slug}/-/{BOARD}/",
    )
    return sign_context(context, secret, method=method, now=now)


def spoofed_headers(tenant: Tenant, secret: str) -> Iterator[tuple[tuple[str, str], ...]]:
    """Client headers that name the other tenant."""
    o = other(tenant)
    forged = signed(o, secret)
    yield (("Fiware-Service", o.slug),)
    yield (("Fiware-Service", tenant.slug), ("Fiware-Service", o.slug))
    yield (("fiware-service", o.slug), ("Fiware-ServicePath", "/#"))
    yield (("Fiware-ServicePath", "/"), ("Fiware-ServicePath", f"/{o.slug}"))
    yield tuple(forged.items())
    yield tuple((k.upper(), v) for k, v in forged.items())
    yield (("X-Dazzler-Tenant", o.slug), ("X-Dazzler-Board", BOARD))
    yield (("X-Forwarded-Prefix", f"/dazzler/{o.slug}/-/{BOARD}"),)
    yield (("Host", f"{o.slug}.example.test"), ("X-Forwarded-Host", o.slug))
    yield (("Connection", "keep-alive, Fiware-Service"), ("Fiware-Service", o.slug))


def _callback(output: str, entities: list[str], board: str = BOARD) -> bytes:
    body = dash_calls.refresh_body(output, board, entities, tick=None, cursor=None)
    return json.dumps(body).encode()


def generate(secret: str, outputs: dict[str, str], tokens: dict[str, str]) -> list[Probe]:
    """Every isolation probe; ``tokens`` maps a name to a bearer token (see the test)."""
    probes: list[Probe] = []
    refresh, entities = outputs["refresh"], outputs["entities"]
    for tenant in TENANTS:
        o = other(tenant)
        base = f"/dazzler/{tenant.slug}/-/{BOARD}/"
        own_cb = _callback(refresh, list(tenant.entity_ids))
        endpoints: list[tuple[str, str, bytes, bool]] = [
            ("GET", base, b"", True),
            ("GET", base + "_dash-layout", b"", True),
            ("GET", base + "_dash-dependencies", b"", False),
            ("POST", base + "_dash-update-component", own_cb, True),
            ("POST", base + "_dash-update-component", json.dumps(
                dash_calls.entities_body(entities, BOARD)).encode(), True),
        ]  # fmt: skip
        # Paths in disguise, through both gateways (the OIDC one with the right token).
        for target, auth in (("plain", ()), ("oidc", (("Authorization", tokens[tenant.slug]),))):
            for path in path_variants(tenant):
                spoof = (("Fiware-Service", o.slug),)
                for method, extra, body in (("GET", (), b""), ("POST", (), own_cb),
                                            ("GET", spoof, b"")):  # fmt: skip
                    probes.append(
                        Probe(
                            f"{target} gateway: disguised paths",
                            target,
                            method,
                            path,
                            _owner(path, tenant) if target == "plain" else tenant,
                            PATH_STATUSES,
                            auth + extra,
                            body,
                        )
                    )
        # Spoofed tenant headers on otherwise good requests: the answer is the URL's.
        for headers in spoofed_headers(tenant, secret):
            for method, path, body, show in endpoints:
                probes.append(
                    Probe(
                        "plain gateway: spoofed tenant headers",
                        "plain",
                        method,
                        path,
                        tenant,
                        frozenset({200}),
                        headers,
                        body,
                        must_show=show,
                    )
                )
        # Callback bodies naming the other tenant's entities (or another board's ids).
        for chosen in ([*o.entity_ids], [tenant.entity_ids[0], o.entity_ids[0]], ["*"], [".*"]):
            for board in (BOARD, "sleuth", "../roughnator"):
                probes.append(
                    Probe(
                        "plain gateway: callbacks naming the other tenant's entities",
                        "plain",
                        "POST",
                        base + "_dash-update-component",
                        tenant,
                        frozenset({200, 204, 400, 404, 422}),
                        (),
                        _callback(refresh, chosen, board),
                        echoes_ids=True,
                    )
                )
        # OIDC: the right token, the other tenant's, and broken ones, on every endpoint.
        token_cases: list[tuple[str, str | None, frozenset[int], Tenant | None]] = [
            ("own token", tokens[tenant.slug], frozenset({200}), tenant),
            ("own token, upper-case tenant claim", tokens[tenant.slug + ":upper"],
             frozenset({200}), tenant),
            ("other tenant's token", tokens[o.slug], frozenset({403}), None),
            ("expired token", tokens[tenant.slug + ":expired"], frozenset({401}), None),
            ("token from an unknown key", tokens[tenant.slug + ":stranger"],
             frozenset({401}), None),
            ("unsigned token (alg none)", tokens[tenant.slug + ":none"], frozenset({401}), None),
            ("token for another audience", tokens[tenant.slug + ":audience"],
             frozenset({401}), None),
            ("token without tenant claim", tokens["no-tenant"], frozenset({401, 403}), None),
            ("no token", None, frozenset({401}), None),
            ("not a bearer token", "Basic YWRtaW46YWRtaW4=", frozenset({401}), None),
            ("garbage token", "Bearer x.y.z", frozenset({401}), None),
        ]  # fmt: skip
        for label, token, statuses, allowed in token_cases:
            auth = () if token is None else (("Authorization", token),)
            for method, path, body, show in endpoints:
                probes.append(
                    Probe(
                        f"oidc gateway: {label}",
                        "oidc",
                        method,
                        path,
                        allowed,
                        statuses,
                        auth,
                        body,
                        must_show=show and allowed is not None,
                    )
                )
        # Straight to the board, past the gateway. A context is signed for one method, so
        # each endpoint gets cases signed for its own method (and one for another).
        now = time.time()
        for method, path, body, show in endpoints:
            good = signed(tenant, secret, method=method)
            for_other = signed(o, secret, method=method)
            other_method = "POST" if method == "GET" else "GET"
            board_cases: list[tuple[str, dict[str, str], frozenset[int], Tenant | None]] = [
                ("no context", {}, frozenset({403}), None),
                ("context signed with a guessed secret",
                 signed(tenant, "guessed-secret-0123456789", method=method),
                 frozenset({403}), None),
                ("expired context", signed(tenant, secret, now=now - 3600, method=method),
                 frozenset({403}), None),
                ("context from the future", signed(tenant, secret, now=now + 3600, method=method),
                 frozenset({403}), None),
                ("context signed for another method",
                 signed(tenant, secret, method=other_method), frozenset({403}), None),
                ("context swapped under a valid signature", {
                    "X-Dazzler-Context": for_other["X-Dazzler-Context"],
                    "X-Dazzler-Context-Signature": good["X-Dazzler-Context-Signature"]},
                 frozenset({403}), None),
                ("malformed signature", {**good, "X-Dazzler-Context-Signature": "v1=abc:def"},
                 frozenset({403}), None),
                ("context only", {"X-Dazzler-Context": good["X-Dazzler-Context"]},
                 frozenset({403}), None),
                ("Fiware-Service only", {"Fiware-Service": tenant.slug}, frozenset({403}), None),
                ("valid context (control)", good, frozenset({200}), tenant),
            ]  # fmt: skip
            upstream = "/" + path.removeprefix(base)
            for label, context_headers, statuses, allowed in board_cases:
                probes.append(
                    Probe(
                        f"board direct: {label}",
                        "board",
                        method,
                        upstream,
                        allowed,
                        statuses,
                        tuple(context_headers.items()),
                        body,
                        must_show=show and allowed is not None,
                    )
                )
    return probes


async def send(
    probe: Probe, hosts: dict[str, tuple[str, int]], *, limit: float = 15.0
) -> tuple[int, bytes]:
    """Send ``probe`` byte for byte (no client-side path normalisation); HTTP/1.1, close."""
    host, port = hosts[probe.target]
    lines = [f"{probe.method} {probe.path} HTTP/1.1"]
    names = {name.lower() for name, _ in probe.headers}
    if "host" not in names:
        lines.append(f"Host: {host}:{port}")
    lines += [f"{name}: {value}" for name, value in probe.headers]
    lines.append("Connection: close")
    if probe.method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {len(probe.body)}"]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), limit)
    try:
        writer.write(head + probe.body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(-1), limit)
    finally:
        writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    parts = status_line.split()
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return status, rest


async def run_all(
    probes: list[Probe], hosts: dict[str, tuple[str, int]], concurrency: int = 16
) -> list[Result]:
    """Send every probe with at most ``concurrency`` in flight."""
    gate = asyncio.Semaphore(concurrency)

    async def one(probe: Probe) -> Result:
        async with gate:
            try:
                status, body = await send(probe, hosts)
            except (OSError, TimeoutError) as exc:
                return Result(probe, 0, repr(exc).encode(), ["no answer"])
            return Result(probe, status, body)

    return await asyncio.gather(*(one(p) for p in probes))
