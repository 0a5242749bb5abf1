"""What `make run` prints once every process is ready: services, tenants' boards, admin URLs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from dazzler_stack.catalogue import ALL_SERVICES, service_spec
from dazzler_stack.wiring import Layout

READY_PREFIX = "Dazzler is ready"
STOP_HINT = "Press Ctrl+C to stop."
# Past this many tenants the summary names how many more there are instead of their boards:
# the summary is for finding one's way, `python -m registry tenants list` is for inventories.
MOST_TENANTS_SHOWN = 10

# What a socket is for, where its name alone does not say it.
_ROLES = {
    "gateway": "the one public address",
    "gateway/metrics": "internal: names tenants, loopback only",
    "registry": "tenant registry: read and admin API",
    "sim/ql": "QuantumLeap stand-in",
    "sim/orion": "Orion stand-in",
    "generator": "simulated data for every enabled tenant",
}


@dataclass(frozen=True, slots=True)
class Board:
    """One board a tenant is granted, as the registry lists it."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class TenantBoards:
    """A tenant and its boards' URLs through the gateway (or why they are unknown)."""

    slug: str
    boards: tuple[Board, ...]
    problem: str = ""


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One listening socket (or a process without one), its state and what it is for."""

    key: str
    url: str
    state: str


@dataclass(frozen=True, slots=True)
class StartupSummary:
    """Everything the ready message names."""

    gateway: str
    services: tuple[ServiceLine, ...]
    tenants: tuple[TenantBoards, ...]
    more_tenants: int
    registry: str
    metrics: str
    seconds: float
    tenant_problem: str = ""


def service_lines(processes: Iterable[str], layout: Layout) -> tuple[ServiceLine, ...]:
    """Every socket of the running processes, in start order, each ready (or running)."""
    running = set(processes)
    lines = []
    for name in ALL_SERVICES:
        if name not in running:
            continue
        spec = service_spec(name)
        if not spec.port_names:
            role = _ROLES.get(name, "")
            lines.append(ServiceLine(name, "", f"running ({role})" if role else "running"))
        for index, socket in enumerate(spec.port_names):
            key = name if index == 0 else f"{name}/{socket}"
            url = layout.url(name, socket) + ("/metrics" if socket == "metrics" else "")
            role = _ROLES.get(f"{name}/{socket}", _ROLES.get(key, ""))
            lines.append(ServiceLine(key, url, f"ready ({role})" if role else "ready"))
    return tuple(lines)


def tenant_boards(
    client: httpx.Client, registry: str, gateway: str
) -> tuple[tuple[TenantBoards, ...], int, str]:
    """The enabled tenants with their boards, how many more there are, and any problem.

    The registry's read API answers without a token, as the gateway asks it.
    """
    try:
        response = client.get(f"{registry}/v1/tenants")
        response.raise_for_status()
        slugs = [str(tenant["slug"]) for tenant in response.json()["tenants"]]
    except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
        return (), 0, f"the registry did not list its tenants: {exc}"
    shown = [_boards_of(client, registry, gateway, slug) for slug in slugs[:MOST_TENANTS_SHOWN]]
    return tuple(shown), max(0, len(slugs) - MOST_TENANTS_SHOWN), ""


def _boards_of(client: httpx.Client, registry: str, gateway: str, slug: str) -> TenantBoards:
    try:
        response = client.get(f"{registry}/v1/routes/{slug}")
        response.raise_for_status()
        listed = response.json()["boards"]
        boards = []
        for board in listed:
            mount = str(board["mount_path"]).strip("/")
            path = f"/dazzler/{slug}/-/" + (f"{mount}/" if mount else "")
            boards.append(Board(str(board.get("title") or board["board"]), gateway + path))
    except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
        return TenantBoards(slug, (), f"boards unknown: {exc}")
    return TenantBoards(slug, tuple(boards))


def format_summary(summary: StartupSummary) -> str:
    """The ready message: first line ``Dazzler is ready: <tenant home>``, last the stop hint."""
    first = summary.tenants[0].slug if summary.tenants else "demo"
    lines = [f"{READY_PREFIX}: {summary.gateway}/dazzler/{first}/-/"]
    lines.append("Services:")
    key_width = max((len(s.key) for s in summary.services), default=0)
    url_width = max((len(s.url) for s in summary.services), default=0)
    for service in summary.services:
        url = service.url or "-"
        lines.append(f"  {service.key:<{key_width}}  {url:<{url_width}}  {service.state}")
    lines.append("Tenants and their boards:")
    if summary.tenant_problem:
        lines.append(f"  ({summary.tenant_problem})")
    elif not summary.tenants:
        lines.append("  (none enabled: python -m registry tenants add <slug>)")
    for tenant in summary.tenants:
        lines.append(f"  {tenant.slug}")
        if tenant.problem:
            lines.append(f"    ({tenant.problem})")
        elif not tenant.boards:
            lines.append(f"    (no boards: python -m registry boards grant {tenant.slug} <board>)")
        title_width = max((len(b.title) for b in tenant.boards), default=0)
        lines += [f"    {b.title:<{title_width}}  {b.url}" for b in tenant.boards]
    if summary.more_tenants:
        lines.append(f"  … and {summary.more_tenants} more (python -m registry tenants list)")
    lines.append(
        f"Admin API:  {summary.registry}/v1/admin/"
        "  (bearer token: python -m registry tokens create <name>)"
    )
    lines.append(f"API docs:   {summary.registry}/docs  and  {summary.registry}/redoc")
    if summary.metrics:
        lines.append(f"Metrics:    {summary.metrics}  (internal, loopback only)")
    lines.append(f"Start-up took {summary.seconds:.1f} s.")
    lines.append(STOP_HINT)
    return "\n".join(lines)
