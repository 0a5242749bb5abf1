"""Helper processes of the bench: nginx in front of a board, the baseline app, board
replicas."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from dazzler_stack import free_port, service_spec

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

_NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream board {{ server {upstream}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://board;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
"""


def wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Wait until ``url`` answers at all (any status) while ``process`` lives."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def nginx_in_front(upstream_url: str) -> Iterator[str]:
    """nginx (one worker, keep-alive upstream) proxying to ``upstream_url``; yields its URL."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="dazzler-nginx-") as tmp:
        upstream = upstream_url.removeprefix("http://").rstrip("/")
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(_NGINX_CONF.format(tmp=tmp, upstream=upstream, port=port))
        process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", tmp],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_http(url + "/healthz", process)
            yield url
        finally:
            _stop(process)


@contextmanager
def baseline_app(ql_url: str, tenant: str, log: Path) -> Iterator[tuple[str, int]]:
    """The first-Dazzler stand-in on a free port; yields its URL and process id."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "dazzler_bench.baseline_app", "--port", str(port),
             "--ql-url", ql_url, "--tenant", tenant],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_http(url + "/_dash-layout", process)
            yield url, process.pid
        finally:
            _stop(process)


@contextmanager
def board_replicas(
    env: dict[str, str], service: str, prefix: str, count: int, log_dir: Path
) -> Iterator[list[str]]:
    """``count`` more processes of a board service, each on a free port, with ``env`` (the
    stack's environment of that service plus what the caller adds); yields their URLs."""
    processes: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for number in range(count):
            port = free_port()
            with (log_dir / f"{service}-replica{number + 1}.log").open("wb") as output:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, *service_spec(service).argv],
                        # Orion notifies each replica at its own address.
                        env={
                            **env,
                            f"{prefix}PORT": str(port),
                            f"{prefix}PUSH_NOTIFY_URL": f"http://127.0.0.1:{port}",
                        },
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_http(url + service_spec(service).ready_path, process)
        yield urls
    finally:
        for process in processes:
            _stop(process)
