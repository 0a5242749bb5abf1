"""Where each process listens and the environment that points the processes at each other."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dazzler_stack.catalogue import BOARD_SERVICES, SERVICES, service_spec
from dazzler_stack.ports import free_ports

SocketKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Backing:
    """The stores and the secret every process of one stack shares.

    An empty ``redis_url`` runs the stack without Redis: the registry and the gateway
    then cache in-process and rely on short TTLs instead of change notifications.
    With ``follow_registry`` the generator feeds every enabled tenant the registry lists
    instead of ``tenant`` alone.
    """

    database_url: str
    shared_secret: str
    redis_url: str = ""
    tenant: str = "demo"
    follow_registry: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    """The address every socket of the stack listens on."""

    host: str
    ports: Mapping[SocketKey, int] = field(default_factory=dict)

    def port(self, service: str, socket: str = "http") -> int:
        """Return the port of ``socket`` of ``service`` (``"ql"``/``"orion"`` for the sim)."""
        return self.ports[(service, socket)]

    def url(self, service: str, socket: str = "http") -> str:
        """Return the base URL of ``socket`` of ``service``, without a trailing slash."""
        return f"http://{self.host}:{self.port(service, socket)}"

    @classmethod
    def defaults(cls, host: str = "127.0.0.1") -> Layout:
        """The documented default ports (docs/architecture.md)."""
        ports: dict[SocketKey, int] = {}
        for spec in SERVICES.values():
            for (socket, _), port in zip(spec.ports, spec.default_ports, strict=True):
                ports[(spec.name, socket)] = port
        return cls(host=host, ports=ports)

    @classmethod
    def free(cls, host: str = "127.0.0.1", fixed: Mapping[SocketKey, int] | None = None) -> Layout:
        """A layout on ports the OS reports free right now, except those given in ``fixed``."""
        keys = [
            (spec.name, socket)
            for spec in SERVICES.values()
            for socket in spec.port_names
            if (spec.name, socket) not in (fixed or {})
        ]
        ports = dict(zip(keys, free_ports(len(keys), host=host), strict=True))
        ports.update(fixed or {})
        return cls(host=host, ports=ports)


def service_env(name: str, layout: Layout, backing: Backing) -> dict[str, str]:
    """Return the environment variables that configure service ``name`` in this stack."""
    spec = service_spec(name)
    p = spec.env_prefix
    env: dict[str, str] = {"PYTHONUNBUFFERED": "1"}
    if spec.ports:
        env[f"{p}HOST"] = layout.host
    for socket, setting in spec.ports:
        env[f"{p}{setting}"] = str(layout.port(name, socket))
    ql, orion = layout.url("sim", "ql"), layout.url("sim", "orion")
    if name == "generator":
        env.update({f"{p}QL_URL": ql, f"{p}ORION_URL": orion, f"{p}TENANTS": backing.tenant})
        if backing.follow_registry:
            env[f"{p}REGISTRY_URL"] = layout.url("registry")
    elif name == "registry":
        env.update({f"{p}DATABASE_URL": backing.database_url, f"{p}REDIS_URL": backing.redis_url})
    elif name == "gateway":
        env.update(
            {
                f"{p}REGISTRY_URL": layout.url("registry"),
                f"{p}REDIS_URL": backing.redis_url,
                f"{p}UPSTREAMS": json.dumps(gateway_upstreams(layout)),
                # A local stack has no identity provider; outside it the gateway refuses
                # to start without OIDC unless told this explicitly.
                f"{p}ALLOW_ANONYMOUS": "true",
                "DAZZLER_SHARED_SECRET": backing.shared_secret,
            }
        )
    elif name in BOARD_SERVICES:
        env.update(
            {
                f"{p}QL_URL": ql,
                f"{p}ORION_URL": orion,
                f"{p}REDIS_URL": backing.redis_url,
                # Orion (the stand-in) notifies the board here of changes to the series
                # its viewers watch: data sent through Orion is asked for at once.
                f"{p}PUSH_NOTIFY_URL": layout.url(name),
                "DAZZLER_SHARED_SECRET": backing.shared_secret,
            }
        )
    return env


def gateway_upstreams(
    layout: Layout, boards: Iterable[str] = BOARD_SERVICES
) -> dict[str, list[str]]:
    """The gateway's ``DAZZLER_GATEWAY_UPSTREAMS``: one local replica per board service."""
    return {board: [layout.url(board)] for board in boards}
