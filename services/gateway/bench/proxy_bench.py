"""Measure the gateway against nginx and against no proxy at all, on this machine.

One run starts, on free loopback ports: a Dash 4 app (one trivial callback, uvicorn),
the tenant registry (SQLite in a temporary directory), and for each worker count in
``--workers`` an nginx (``worker_processes`` that count, upstream keep-alive, access log
on) and a gateway (``DAZZLER_GATEWAY_WORKERS`` that count, access log on), all in front of
the same app. A separate load process POSTs the callback to each target, first over one
connection (latency) and then over ``--concurrency`` connections (throughput), after a
warm-up. Each round measures every target once, in a rotated order so that a burst of
noise from elsewhere on the machine does not always hit the same target; the numbers
printed are the medians over ``--rounds`` rounds. Everything stops at the end.

    uv run python services/gateway/bench/proxy_bench.py [--duration 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from dazzler_stack import free_port

HERE = Path(__file__).resolve().parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TENANT = "bench"

_NGINX_CONF = """
worker_processes {workers};
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


def median_result(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Median of each measure over the rounds; errors are summed, not averaged."""
    merged = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    merged["errors"] = sum(r["errors"] for r in rounds)
    merged["requests"] = sum(r["requests"] for r in rounds)
    merged["rps_min"] = min(r["rps"] for r in rounds)
    merged["rps_max"] = max(r["rps"] for r in rounds)
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=16, help="connections for throughput")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians are reported")
    parser.add_argument(
        "--workers",
        default="1,2",
        help="comma-separated worker counts, each run for nginx and the gateway alike",
    )
    parser.add_argument(
        "--gateway-log-level", default="debug", help="'info' or higher turns the access log off"
    )
    parser.add_argument(
        "--baseline-src",
        default="",
        help="another gateway source directory (e.g. services/gateway/src of a worktree at "
        "an older commit), run with one worker as target 'baseline' in the same rounds",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON only")
    args = parser.parse_args()
    if not Path(NGINX).exists():
        sys.exit(f"nginx not found at {NGINX}")
    worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    load_before = os.getloadavg()

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="gw-bench-") as tmp_name:
        tmp = Path(tmp_name)
        up_port, registry_port = free_port(), free_port()
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

        targets = {"direct": f"http://127.0.0.1:{up_port}/_dash-update-component"}
        for workers in worker_counts:
            suffix = "" if workers == 1 else f"-{workers}w"
            nginx_port, gateway_port = free_port(), free_port()
            nginx_dir = tmp / f"nginx{workers}"
            for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
                (nginx_dir / sub).mkdir(parents=True)
            config = _NGINX_CONF.format(
                tmp=nginx_dir, upstream=up_port, port=nginx_port, workers=workers
            )
            (nginx_dir / "nginx.conf").write_text(config)
            nginx = start(
                stack,
                [NGINX, "-c", str(nginx_dir / "nginx.conf"), "-p", str(nginx_dir), "-e", "stderr"],
                {},
                nginx_dir / "nginx.log",
            )
            wait_ready(f"http://127.0.0.1:{nginx_port}/_dash-layout", nginx)
            gateway = start(
                stack,
                [sys.executable, "-m", "gateway"],
                {
                    "DAZZLER_SHARED_SECRET": secrets.token_urlsafe(32),
                    "DAZZLER_GATEWAY_PORT": str(gateway_port),
                    "DAZZLER_GATEWAY_WORKERS": str(workers),
                    "DAZZLER_GATEWAY_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
                    "DAZZLER_GATEWAY_UPSTREAMS": json.dumps(
                        {"board-demo": [f"http://127.0.0.1:{up_port}"]}
                    ),
                    "DAZZLER_GATEWAY_LOG_LEVEL": args.gateway_log_level,
                    "DAZZLER_GATEWAY_ALLOW_ANONYMOUS": "true",
                    "DAZZLER_GATEWAY_METRICS_PORT": "0",
                },
                tmp / f"gateway{workers}.log",
            )
            board = f"http://127.0.0.1:{gateway_port}/dazzler/{TENANT}/-/demo"
            wait_ready(f"http://127.0.0.1:{gateway_port}/healthz", gateway)
            wait_ready(f"{board}/_dash-layout", gateway)
            targets[f"nginx{suffix}"] = f"http://127.0.0.1:{nginx_port}/_dash-update-component"
            targets[f"gateway{suffix}"] = f"{board}/_dash-update-component"

        if args.baseline_src:
            baseline_port = free_port()
            baseline = start(
                stack,
                [sys.executable, "-m", "gateway"],
                {
                    # Ahead of the installed gateway on the import path.
                    "PYTHONPATH": str(Path(args.baseline_src).resolve()),
                    "DAZZLER_SHARED_SECRET": secrets.token_urlsafe(32),
                    "DAZZLER_GATEWAY_PORT": str(baseline_port),
                    "DAZZLER_GATEWAY_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
                    "DAZZLER_GATEWAY_UPSTREAMS": json.dumps(
                        {"board-demo": [f"http://127.0.0.1:{up_port}"]}
                    ),
                    "DAZZLER_GATEWAY_LOG_LEVEL": args.gateway_log_level,
                    "DAZZLER_GATEWAY_ALLOW_ANONYMOUS": "true",
                    "DAZZLER_GATEWAY_METRICS_PORT": "0",
                },
                tmp / "baseline.log",
            )
            board = f"http://127.0.0.1:{baseline_port}/dazzler/{TENANT}/-/demo"
            wait_ready(f"{board}/_dash-layout", baseline)
            targets["baseline"] = f"{board}/_dash-update-component"

        names = list(targets)
        rounds: dict[str, dict[str, list[dict[str, float]]]] = {
            name: {"latency": [], "throughput": []} for name in names
        }
        for index in range(args.rounds):
            order = names[index % len(names) :] + names[: index % len(names)]
            for name in order:
                url = targets[name]
                rounds[name]["latency"].append(load(url, args.duration, 1, args.warmup))
                rounds[name]["throughput"].append(
                    load(url, args.duration, args.concurrency, args.warmup)
                )
        results = {
            name: {phase: median_result(runs) for phase, runs in phases.items()}
            for name, phases in rounds.items()
        }

    direct = results["direct"]

    def ratio(a: str, b: str) -> float:
        return results[a]["throughput"]["rps"] / results[b]["throughput"]["rps"]

    def added_p50(name: str) -> float:
        return results[name]["latency"]["p50_ms"] - direct["latency"]["p50_ms"]

    summary: dict[str, object] = {
        "results": results,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    comparisons: list[tuple[str, str, str]] = []
    for workers in worker_counts:
        suffix = "" if workers == 1 else f"-{workers}w"
        key = "" if workers == 1 else f"_{workers}w"
        gateway, nginx = f"gateway{suffix}", f"nginx{suffix}"
        summary[f"gateway_vs_nginx_rps{key}"] = ratio(gateway, nginx)
        summary[f"gateway_vs_direct_rps{key}"] = ratio(gateway, "direct")
        summary[f"gateway_added_p50_ms{key}"] = added_p50(gateway)
        summary[f"nginx_added_p50_ms{key}"] = added_p50(nginx)
        comparisons.append((f"{workers} worker(s)", gateway, nginx))
    if "baseline" in results:
        summary["baseline_vs_nginx_rps"] = ratio("baseline", "nginx")
        summary["gateway_vs_baseline_rps"] = ratio("gateway", "baseline")
        comparisons.append(("baseline, 1 worker", "baseline", "nginx"))
    if args.json:
        print(json.dumps(summary))
        return
    print(
        f"Dash callback POST, {args.duration:g} s per measurement, median of {args.rounds} "
        f"rounds, {os.cpu_count()} cores"
    )
    print(
        f"{'target':<11} {'c=1 req/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
        f"{f'c={args.concurrency} req/s':>12} {'(min-max)':>13} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7}"
    )
    for name, r in results.items():
        lat, thr = r["latency"], r["throughput"]
        spread = f"{thr['rps_min']:.0f}-{thr['rps_max']:.0f}"
        print(
            f"{name:<11} {lat['rps']:>10.0f} {lat['p50_ms']:>8.2f} {lat['p99_ms']:>8.2f} "
            f"{thr['rps']:>12.0f} {spread:>13} {thr['p50_ms']:>8.2f} {thr['p99_ms']:>8.2f} "
            f"{lat['errors'] + thr['errors']:>7.0f}"
        )
    for label, gateway, nginx in comparisons:
        print(
            f"{label}: gateway/nginx throughput {ratio(gateway, nginx):.2f}x, "
            f"gateway/direct {ratio(gateway, 'direct'):.2f}x; added p50 (c=1) "
            f"gateway {added_p50(gateway):.2f} ms, nginx {added_p50(nginx):.2f} ms"
        )
    before, after = load_before[0], os.getloadavg()[0]
    print(
        f"load average before {before:.2f}, after {after:.2f} "
        "(anything else running on the machine moves these numbers; compare the min-max spread)"
    )


if __name__ == "__main__":
    main()
