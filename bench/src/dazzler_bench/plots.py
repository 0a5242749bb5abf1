"""The report's PNG plots (matplotlib, no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from dazzler_bench.push_runs import LAG_LIMIT_MS, PushRunResult
from dazzler_bench.runs import P95_LIMIT_MS, RunResult


def _by_users(runs: Sequence[RunResult]) -> list[RunResult]:
    return sorted(runs, key=lambda r: r.users)


def latency_and_throughput(series: dict[str, Sequence[RunResult]], out: Path) -> list[str]:
    """Two plots, poll latency and poll throughput against viewers; returns file names."""
    fig, axis = plt.subplots(figsize=(7, 4.2))
    for label, runs in series.items():
        ordered = _by_users(runs)
        users = [r.users for r in ordered]
        axis.plot(users, [r.poll_p95_ms for r in ordered], "o-", label=f"{label} p95")
        axis.plot(users, [r.poll_p50_ms for r in ordered], "x--", label=f"{label} p50")
    axis.axhline(P95_LIMIT_MS, color="red", linewidth=0.8, linestyle=":", label="250 ms")
    axis.set(xscale="log", yscale="log", xlabel="live viewers", ylabel="poll latency (ms)")
    axis.set_title("Poll latency versus viewers")
    axis.legend(fontsize=8)
    axis.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=110)
    plt.close(fig)

    fig, axis = plt.subplots(figsize=(7, 4.2))
    for label, runs in series.items():
        ordered = _by_users(runs)
        axis.plot([r.users for r in ordered], [r.poll_rps for r in ordered], "o-", label=label)
    axis.set(xscale="log", yscale="log", xlabel="live viewers", ylabel="polls answered per second")
    axis.set_title("Poll throughput versus viewers")
    axis.legend(fontsize=8)
    axis.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "throughput.png", dpi=110)
    plt.close(fig)
    return ["latency.png", "throughput.png"]


def simple(
    xs: Sequence[float],
    ys: Sequence[float],
    *,
    xlabel: str,
    ylabel: str,
    title: str,
    path: Path,
    logx: bool = False,
) -> str:
    """One line plot; returns the file name."""
    fig, axis = plt.subplots(figsize=(6, 3.6))
    axis.plot(xs, ys, "o-")
    if logx:
        axis.set_xscale("log")
    axis.set(xlabel=xlabel, ylabel=ylabel, title=title)
    axis.set_ylim(bottom=0)
    axis.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def push_lag(runs: Sequence[PushRunResult], path: Path) -> str:
    """Lag percentiles of pushed points against viewers (each count's counted runs pooled
    by their median); returns the file name."""
    by_users: dict[int, list[PushRunResult]] = {}
    for run in runs:
        if run.counted and run.lag_samples:
            by_users.setdefault(run.users, []).append(run)
    users = sorted(by_users)
    fig, axis = plt.subplots(figsize=(7, 4.2))
    for name, pick in (("p50", "lag_p50_ms"), ("p95", "lag_p95_ms"), ("p99", "lag_p99_ms")):
        values = [sorted(getattr(r, pick) for r in by_users[u]) for u in users]
        axis.plot(users, [v[len(v) // 2] / 1000 for v in values], "o-", label=name)
    axis.axhline(LAG_LIMIT_MS / 1000, color="red", linewidth=0.8, linestyle=":", label="1 s")
    axis.set(xscale="log", xlabel="live viewers (push)", ylabel="lag (s)")
    axis.set_title("Pushed point lag versus viewers")
    axis.set_ylim(bottom=0)
    axis.legend(fontsize=8)
    axis.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name
