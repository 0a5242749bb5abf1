"""No answer ever carries another tenant's data, whatever the path, headers, token or
callback body say; every refusal has the right status and shows no stack trace."""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from urllib.parse import urlsplit

import httpx
import pytest
from reliability_kit import dash_calls, probes
from reliability_kit.oidc import Issuer, unsigned_token
from reliability_kit.tenants import ACME, TENANTS, leaked, other, shows_trace

pytestmark = pytest.mark.integration


def _tokens(issuer: Issuer) -> dict[str, str]:
    stranger = Issuer.new(issuer.kid)
    tokens = {"no-tenant": "Bearer " + issuer.token(None)}
    for tenant in TENANTS:
        slug = tenant.slug
        tokens[slug] = "Bearer " + issuer.token(slug)
        tokens[slug + ":upper"] = "Bearer " + issuer.token(slug.upper())
        tokens[slug + ":expired"] = "Bearer " + issuer.token(slug, ttl=-120)
        tokens[slug + ":stranger"] = "Bearer " + stranger.token(slug)
        tokens[slug + ":none"] = "Bearer " + unsigned_token(slug)
        tokens[slug + ":audience"] = "Bearer " + issuer.token(slug, aud="another-app")
    return tokens


def _host(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    return parts.hostname, parts.port


def _problems(result: probes.Result) -> list[str]:
    probe = result.probe
    found = list(result.problems)
    if result.status not in probe.statuses:
        # The start of the answer says who gave it (the gateway's pages, the board, uvicorn).
        found.append(
            f"status {result.status}, expected one of {sorted(probe.statuses)}; "
            f"answer begins {result.body[:400]!r}"
        )
    if shows_trace(result.body):
        found.append("stack trace in the answer")
    forbidden = [other(probe.allowed)] if probe.allowed is not None else list(TENANTS)
    for tenant in forbidden:
        markers = leaked(result.body, tenant, values_only=probe.echoes_ids)
        if markers:
            found.append(f"LEAK of {tenant.slug}: {markers}")
    shown = probe.allowed is not None and leaked(result.body, probe.allowed)
    if probe.must_show and probe.allowed is not None and result.status == 200 and not shown:
        found.append(f"{probe.allowed.slug}'s own data missing (the check would be blind)")
    return found


async def test_no_answer_carries_another_tenants_data(tenant_stack, recorder) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        outputs = await dash_calls.callback_outputs(client, ACME.board_url(tenant_stack.gateway))
    generated = probes.generate(tenant_stack.secret, outputs, _tokens(tenant_stack.issuer))
    # Two rounds, tenants interleaved: the first meets cold caches, the second warm ones,
    # and both tenants' requests are in flight together, where a cache key mix-up shows.
    requests = generated * 2
    random.Random(7).shuffle(requests)
    hosts = {
        "plain": _host(tenant_stack.gateway),
        "oidc": _host(tenant_stack.oidc_gateway),
        "board": _host(tenant_stack.board),
    }
    started = time.monotonic()
    results = await probes.run_all(requests, hosts, concurrency=16)
    elapsed = time.monotonic() - started

    by_category: dict[str, list[probes.Result]] = defaultdict(list)
    for result in results:
        by_category[result.probe.category].append(result)
    failures: list[str] = []
    for category, rows in sorted(by_category.items()):
        bad = [(row, _problems(row)) for row in rows]
        bad = [(row, problems) for row, problems in bad if problems]
        statuses = sorted({row.status for row in rows})
        leaks = sum(any(p.startswith("LEAK") for p in problems) for _, problems in bad)
        outcome = recorder.start(
            "isolation",
            category,
            f"{len(rows)} requests",
            "0 answers with the other tenant's data; only the listed statuses; no trace",
        )
        outcome.numbers = {"requests": len(rows), "leaks": leaks, "wrong": len(bad)}
        outcome.note = f"statuses seen {statuses}"
        outcome.held = not bad
        for row, problems in bad[:5]:
            probe = row.probe
            failures.append(
                f"[{category}] {probe.method} {probe.path[:120]} "
                f"headers={[h[0] for h in probe.headers]}: {problems}"
            )
    total = recorder.start(
        "isolation",
        "all generated requests",
        f"{len(results)} requests through the gateways and to the board directly",
        "0 leaks, every refusal with the right status",
    )
    total.numbers = {"requests": len(results), "seconds": round(elapsed, 1)}
    total.held = not failures
    assert len(results) >= 1000
    assert not failures, "\n".join(failures)


async def test_concurrent_viewers_of_two_tenants_see_only_their_own(tenant_stack, recorder) -> None:
    """Viewers of both tenants poll the same board service side by side."""
    outcome = recorder.start(
        "isolation",
        "side-by-side live viewers",
        "4 viewers per tenant polling the same board service through the gateway",
        "each viewer's figures hold only its tenant's data",
    )
    async with httpx.AsyncClient(timeout=10) as client:
        output = (await dash_calls.callback_outputs(client, ACME.board_url(tenant_stack.gateway)))[
            "refresh"
        ]
        viewers = [
            (
                tenant,
                dash_calls.Viewer(
                    tenant.board_url(tenant_stack.gateway),
                    "roughnator",
                    list(tenant.entity_ids),
                    output,
                ),
            )
            for tenant in TENANTS
            for _ in range(4)
        ]
        for _ in range(5):
            await asyncio.gather(*(viewer.poll(client) for _, viewer in viewers))
    answers = [(tenant, answer) for tenant, viewer in viewers for answer in viewer.history]
    leaks = [a for tenant, a in answers if leaked(a.body, other(tenant))]
    shown = [a for tenant, a in answers if a.status_code == 200 and leaked(a.body, tenant)]
    outcome.numbers = {"answers": len(answers), "leaks": len(leaks)}
    outcome.held = not leaks and all(a.status_code in (200, 204) for _, a in answers)
    assert not leaks
    assert all(a.status_code in (200, 204) for _, a in answers)
    assert len(shown) >= len(viewers)
