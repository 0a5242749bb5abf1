"""Fixture machinery for the boards' integration tests, process by process.

:func:`process_stack` starts each process itself (the simulator and generator when the
board reads data, the registry, the board and the gateway), on PostgreSQL and Redis, and
grants one tenant the board's mounts. ``psycopg`` and ``tenant_context`` are imported inside
the functions that use them, so importing this module needs neither. The same board behind
``dazzler_stack.LocalStack`` is in :mod:`boardkit.testing_local_stack`; Chromium is in
:mod:`boardkit.testing_browser`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    pass


PG_ADMIN = os.environ.get("DAZZLER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_process(
    name: str, args: list[str], env: dict[str, str], tmp: Path, ready: str | None
) -> Proc:
    """Run ``python *args`` with ``env`` added, logging to ``tmp/<name>.log``; when ``ready``
    is a URL, wait (30 s at most) until it answers 200."""
    log = tmp / f"{name}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, *args],
            env={**os.environ, **env},
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    proc = Proc(name, ready.rsplit("/", 1)[0] if ready else "", process, log)
    if ready is None:
        return proc
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(ready, timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.stop()
    raise RuntimeError(f"{name} not ready:\n{log.read_text(errors='replace')}")


@dataclass
class Stack:
    """Everything a user's request goes through, on free ports of 127.0.0.1."""

    tenant: str
    gateway: str
    board: str
    ql: str
    procs: list[Proc]
    mount: str = ""

    def board_url(self, mount: str | None = None) -> str:
        return f"{self.gateway}/dazzler/{self.tenant}/-/{self.mount if mount is None else mount}/"


def registry_env(database: str, port: int, *, redis_url: str, cache_prefix: str) -> dict[str, str]:
    return {
        "DAZZLER_REGISTRY_DATABASE_URL": database,
        "DAZZLER_REGISTRY_REDIS_URL": redis_url,
        "DAZZLER_REGISTRY_CACHE_PREFIX": cache_prefix,
        "DAZZLER_REGISTRY_HOST": "127.0.0.1",
        "DAZZLER_REGISTRY_PORT": str(port),
        "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
    }


def admin_token(database: str, name: str) -> str:
    """Migrate the registry's database and create an admin token called ``name``."""
    env = {**os.environ, "DAZZLER_REGISTRY_DATABASE_URL": database}
    subprocess.run(
        [sys.executable, "-m", "registry", "migrate"], env=env, check=True, capture_output=True
    )
    done = subprocess.run(
        [sys.executable, "-m", "registry", "tokens", "create", name],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1].strip()


def fresh_database(name: str, pg_admin: str = PG_ADMIN) -> str:
    """Drop and create database ``name``; its URL."""
    import psycopg

    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return pg_admin.rsplit("/", 1)[0] + f"/{name}"


def _check(answer: httpx.Response) -> None:
    if answer.status_code >= 300:
        raise AssertionError(answer.text)


@contextlib.contextmanager
def process_stack(
    name: str,
    tmp: Path,
    *,
    database: str,
    secret: str,
    redis_url: str,
    display_name: str,
    grants: Sequence[Mapping[str, Any]],
    with_data: bool = True,
    pg_admin: str = PG_ADMIN,
) -> Iterator[Stack]:
    """Board ``board-<name>`` (module ``board_<name>``, settings ``DAZZLER_<NAME>_*``) behind
    the gateway, with the registry on a fresh PostgreSQL ``database`` holding one tenant in
    Europe/Rome that is granted each of ``grants`` (bodies of the admin API's grant call).

    With ``with_data`` the simulator's QL/Orion stand-in runs, fed by the generator every
    second; otherwise nothing listens on the QL/Orion URLs the board is given."""
    database_url = fresh_database(database, pg_admin)
    tenant = f"{name}_{uuid.uuid4().hex[:8]}"
    procs: list[Proc] = []
    try:
        if with_data:
            ql_port, orion_port = free_port(), free_port()
            ql, orion = f"http://127.0.0.1:{ql_port}", f"http://127.0.0.1:{orion_port}"
            procs.append(
                start_process(
                    "sim",
                    [
                        *("-m", "sim", "serve", "--host", "127.0.0.1"),
                        *("--ql-port", str(ql_port), "--orion-port", str(orion_port)),
                    ],
                    {},
                    tmp,
                    f"{ql}/version",
                )
            )
            procs.append(
                start_process(
                    "generator",
                    [
                        *("-m", "sim", "generate", "--ql-url", ql, "--orion-url", orion),
                        *("--tenants", tenant, "--interval", "1"),
                    ],
                    {},
                    tmp,
                    None,
                )
            )
        else:
            ql, orion = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
        token = admin_token(database_url, f"{name}-{uuid.uuid4().hex[:8]}")
        registry_port = free_port()
        procs.append(
            start_process(
                "registry",
                ["-m", "registry", "serve"],
                registry_env(
                    database_url,
                    registry_port,
                    redis_url=redis_url,
                    cache_prefix=f"dazzler:{name}test:{uuid.uuid4().hex[:8]}:",
                ),
                tmp,
                f"http://127.0.0.1:{registry_port}/healthz",
            )
        )
        registry = f"http://127.0.0.1:{registry_port}"
        with httpx.Client(
            base_url=registry + "/v1/admin",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ) as admin:
            _check(
                admin.post(
                    "/tenants",
                    json={"slug": tenant, "display_name": display_name, "timezone": "Europe/Rome"},
                )
            )
            for grant in grants:
                _check(admin.post(f"/tenants/{tenant}/boards", json=dict(grant)))
        board_port = free_port()
        board = f"http://127.0.0.1:{board_port}"
        prefix = f"DAZZLER_{name.upper()}"
        procs.append(
            start_process(
                f"board-{name}",
                ["-m", f"board_{name}"],
                {
                    "DAZZLER_SHARED_SECRET": secret,
                    f"{prefix}_HOST": "127.0.0.1",
                    f"{prefix}_PORT": str(board_port),
                    f"{prefix}_QL_URL": ql,
                    f"{prefix}_ORION_URL": orion,
                    f"{prefix}_REDIS_URL": redis_url,
                },
                tmp,
                f"{board}/healthz",
            )
        )
        gateway_port = free_port()
        procs.append(
            start_process(
                "gateway",
                ["-m", "gateway"],
                {
                    "DAZZLER_SHARED_SECRET": secret,
                    "DAZZLER_GATEWAY_HOST": "127.0.0.1",
                    "DAZZLER_GATEWAY_PORT": str(gateway_port),
                    "DAZZLER_GATEWAY_REGISTRY_URL": registry,
                    "DAZZLER_GATEWAY_REDIS_URL": redis_url,
                    "DAZZLER_GATEWAY_UPSTREAMS": json.dumps({f"board-{name}": [board]}),
                    "DAZZLER_GATEWAY_LOG_LEVEL": "warning",
                },
                tmp,
                f"http://127.0.0.1:{gateway_port}/healthz",
            )
        )
        yield Stack(tenant, f"http://127.0.0.1:{gateway_port}", board, ql, procs, mount=name)
    finally:
        for proc in reversed(procs):
            proc.stop()


__all__ = [
    "PG_ADMIN",
    "Proc",
    "Stack",
    "admin_token",
    "free_port",
    "fresh_database",
    "process_stack",
    "registry_env",
    "start_process",
]
