"""Measure the gateway against nginx and against no proxy at all, on this machine.

One run starts, on free loopback ports: a Dash 4 app (one trivial callback, uvicorn),
nginx in front of it (temporary config, one worker), the tenant registry (SQLite in a
temporary directory) and the gateway routing to the same app. A separate load process
POSTs the callback to each target, first with one connection (latency) and then with
``--concurrency`` connections (throughput). Everything stops at the end.

    uv run python services/gateway/bench/proxy_bench.py [--duration 5] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TENANT = "bench"

_NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log {tmp}/nginx-access.log;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream board {{ server 127.0.0.1:{upstream}; keepalive 64; }}
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout} s")


def start(
    stack: ExitStack, args: list[str], env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    process = subprocess.Popen(args, env={**os.environ, **env}, stdout=handle, stderr=handle)
    handle.close()

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    stack.callback(stop)
    return process


def seed_registry(env: dict[str, str]) -> None:
    run_env = {**os.environ, **env}
    for args in (
        ["migrate"],
        ["tenants", "add", TENANT],
        ["boards", "grant", TENANT, "demo"],
    ):
        subprocess.run(
            [sys.executable, "-m", "registry", *args], env=run_env, check=True, capture_output=True
        )


def load(url: str, duration: float, concurrency: int, warmup: float) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "load.py"),
            url,
            f"--duration={duration}",
            f"--concurrency={concurrency}",
            f"--warmup={warmup}",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=16, help="connections for throughput")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each measurement")
    parser.add_argument(
        "--gateway-log-level", default="info", help="'warning' turns the access log off"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON only")
    args = parser.parse_args()
    if not Path(NGINX).exists():
        sys.exit(f"nginx not found at {NGINX}")

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="gw-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp / sub).mkdir()
        up_port, nginx_port, registry_port, gateway_port = (free_port() for _ in range(4))

        upstream = start(
            stack,
            [
                sys.executable,
                "-m",
                "uvicorn",
                "dash_upstream:server",
                "--app-dir",
                str(HERE),
                "--host",
                "127.0.0.1",
                f"--port={up_port}",
                "--log-level=warning",
                "--no-access-log",
            ],
            {},
            tmp / "upstream.log",
        )
        wait_ready(f"http://127.0.0.1:{up_port}/_dash-layout", upstream)

        (tmp / "nginx.conf").write_text(
            _NGINX_CONF.format(tmp=tmp, upstream=up_port, port=nginx_port)
        )
        nginx = start(
            stack,
            [NGINX, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-e", "stderr"],
            {},
            tmp / "nginx.log",
        )
        wait_ready(f"http://127.0.0.1:{nginx_port}/_dash-layout", nginx)

        registry_env = {
            "DAZZLER_REGISTRY_DATABASE_URL": f"sqlite:///{tmp}/registry.sqlite3",
            "DAZZLER_REGISTRY_REDIS_URL": "",
            "DAZZLER_REGISTRY_PORT": str(registry_port),
            "DAZZLER_REGISTRY_LOG_LEVEL": "WARNING",
        }
        seed_registry(registry_env)
        registry = start(
            stack, [sys.executable, "-m", "registry", "serve"], registry_env, tmp / "registry.log"
        )
        wait_ready(f"http://127.0.0.1:{registry_port}/healthz", registry)

        gateway = start(
            stack,
            [sys.executable, "-m", "gateway"],
            {
                "DAZZLER_SHARED_SECRET": secrets.token_urlsafe(32),
                "DAZZLER_GATEWAY_PORT": str(gateway_port),
                "DAZZLER_GATEWAY_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
                "DAZZLER_GATEWAY_UPSTREAMS": json.dumps(
                    {"board-demo": [f"http://127.0.0.1:{up_port}"]}
                ),
                "DAZZLER_GATEWAY_LOG_LEVEL": args.gateway_log_level,
            },
            tmp / "gateway.log",
        )
        wait_ready(f"http://127.0.0.1:{gateway_port}/healthz", gateway)
        wait_ready(f"http://127.0.0.1:{gateway_port}/dazzler/{TENANT}/-/demo/_dash-layout", gateway)

        targets = {
            "direct": f"http://127.0.0.1:{up_port}/_dash-update-component",
            "nginx": f"http://127.0.0.1:{nginx_port}/_dash-update-component",
            "gateway": f"http://127.0.0.1:{gateway_port}/dazzler/{TENANT}/-/demo/"
            "_dash-update-component",
        }
        results: dict[str, dict[str, dict[str, float]]] = {}
        for name, url in targets.items():
            results[name] = {
                "latency": load(url, args.duration, 1, args.warmup),
                "throughput": load(url, args.duration, args.concurrency, args.warmup),
            }

    summary = {
        "results": results,
        "gateway_vs_nginx_rps": results["gateway"]["throughput"]["rps"]
        / results["nginx"]["throughput"]["rps"],
        "gateway_vs_direct_rps": results["gateway"]["throughput"]["rps"]
        / results["direct"]["throughput"]["rps"],
        "gateway_added_p50_ms": results["gateway"]["latency"]["p50_ms"]
        - results["direct"]["latency"]["p50_ms"],
        "nginx_added_p50_ms": results["nginx"]["latency"]["p50_ms"]
        - results["direct"]["latency"]["p50_ms"],
    }
    if args.json:
        print(json.dumps(summary))
        return
    print(f"Dash callback POST, {args.duration:g} s per measurement, {os.cpu_count()} cores")
    print(
        f"{'target':<8} {'c=1 req/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
        f"{f'c={args.concurrency} req/s':>12} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    for name, r in results.items():
        lat, thr = r["latency"], r["throughput"]
        print(
            f"{name:<8} {lat['rps']:>10.0f} {lat['p50_ms']:>8.2f} {lat['p99_ms']:>8.2f} "
            f"{thr['rps']:>12.0f} {thr['p50_ms']:>8.2f} {thr['p99_ms']:>8.2f} "
            f"{lat['errors'] + thr['errors']:>7.0f}"
        )
    print(f"gateway/nginx throughput:  {summary['gateway_vs_nginx_rps']:.2f}x")
    print(f"gateway/direct throughput: {summary['gateway_vs_direct_rps']:.2f}x")
    print(
        f"added p50 (c=1): gateway {summary['gateway_added_p50_ms']:.2f} ms, "
        f"nginx {summary['nginx_added_p50_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()
