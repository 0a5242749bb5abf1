"""``bench/report.md``: the figures, how they were measured, and the plots."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dazzler_bench import plots
from dazzler_bench.capacity import Search
from dazzler_bench.openmodel import OpenResult
from dazzler_bench.page_weight import BoardWeight
from dazzler_bench.runs import RunResult

CAVEAT = """\
**Closed loop.** Locust's viewers wait for each answer before their next tick, so when
the server slows down the offered load drops with it, and queueing that real browsers
(whose timers keep firing) would build up is partly hidden. Locust itself also runs on
the same two cores as every service it measures. The open-model check below sends polls
at a fixed arrival rate, independent of answers, at the capacity found and 1.5 times above it.
"""


def _run_row(label: str, r: RunResult) -> str:
    verdict = "pass" if r.passed else "fail"
    warn = " (load generator CPU > 90 %)" if r.cpu_warning else ""
    errors = "; ".join(r.errors[:3]).replace("|", "/")
    return (
        f"| {label} | {r.users} | {r.poll_p50_ms:.0f} | {r.poll_p95_ms:.0f} | "
        f"{r.poll_rps:.1f} | {r.failures} | {verdict}{warn} | {errors} |"
    )


RUN_HEADER = (
    "| run | viewers | poll p50 ms | poll p95 ms | polls/s | failures | verdict | errors |\n"
    "|---|---|---|---|---|---|---|---|"
)


def _trivial_table(trivial: dict[str, Any]) -> str:
    lines = ["| target | mode | req/s | p50 ms | p99 ms |", "|---|---|---|---|---|"]
    for target, modes in (trivial.get("results") or {}).items():
        for mode, m in (modes or {}).items():
            lines.append(
                f"| {target} | {mode} | {m.get('rps', 0):.0f} | {m.get('p50_ms', 0):.2f} | "
                f"{m.get('p99_ms', 0):.2f} |"
            )
    scalars = [(k, v) for k, v in trivial.items() if isinstance(v, (int, float))]
    lines += ["", "| ratio | value |", "|---|---|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in scalars]
    return "\n".join(lines)


class Report:
    """Collects the sections in order; ``write`` renders markdown and plots."""

    def __init__(self, out: Path, *, quick: bool) -> None:
        self.out = out
        self.quick = quick
        self.sections: list[str] = []

    def proxies(
        self, users: int, results: dict[str, RunResult], trivial: dict[str, Any] | None
    ) -> None:
        rows = "\n".join(_run_row(name, r) for name, r in results.items())
        text = (
            "## 1. Gateway vs nginx vs direct (roughnator board)\n\n"
            f"{users} viewers polling the same roughnator page every 5 s (no hidden tabs, no "
            "interactions): straight to the board service, through nginx (one worker, "
            "keep-alive upstream, temporary config on a free port), and through the gateway "
            "(registry lookup, signed tenant context). Direct and nginx runs sign the tenant "
            "context in the load generator, as the gateway would.\n\n"
            f"{RUN_HEADER}\n{rows}\n"
        )
        if trivial:
            text += (
                "\nThe gateway's own proxy bench on a trivial Dash callback "
                "(`services/gateway/bench/proxy_bench.py --duration 3 --rounds 1`):\n\n"
                f"{_trivial_table(trivial)}\n"
            )
        self.sections.append(text)

    def ql(self, found: Sequence[tuple[int, float, RunResult]]) -> None:
        if not found:
            return
        rows = "\n".join(
            f"| {users} | {per_tick} | {r.poll_p95_ms:.0f} | {r.failures} |"
            for users, per_tick, r in found
        )
        png = plots.simple(
            [u for u, _, _ in found], [q for _, q, _ in found], xlabel="live viewers",
            ylabel="QL queries per entity per tick", title="QuantumLeap load versus viewers",
            path=self.out / "ql_queries.png", logx=True,
        )  # fmt: skip
        self.sections.append(
            "## 3. QuantumLeap queries per interval versus viewers\n\n"
            "Viewers spread round-robin over the tenants, all on roughnator's default "
            "entity and window, so the series on screen are min(viewers, tenants). Series "
            "reads are counted on the QL stand-in (`/__sim/stats`) inside the measurement "
            "window and divided by series x elapsed 5 s ticks. One means the shared cache "
            "holds: viewers of the same window cost one query per interval between them. "
            "Below one: a lone viewer's poll can land just before the window it cached one "
            "interval earlier expires, so it gets that answer again and the query moves to "
            "the next tick.\n\n"
            "| viewers | QL queries per entity per tick | poll p95 ms | failures |\n"
            f"|---|---|---|---|\n{rows}\n\n![QL queries]({png})\n"
        )

    def memory(self, rss: Sequence[tuple[int, float]], sizes: dict[str, float]) -> None:
        rows = "\n".join(f"| {n} | {mb:.1f} |" for n, mb in rss)
        png = plots.simple(
            [n for n, _ in rss], [mb for _, mb in rss], xlabel="tenants viewed",
            ylabel="board RSS (MiB)", title="roughnator service memory versus tenants",
            path=self.out / "board_rss.png",
        )  # fmt: skip
        self.sections.append(
            "## 4. Board memory versus tenants; bytes per tick\n\n"
            "Resident memory of the roughnator service process after ten viewers per "
            "tenant polled it (0 = just started). One process serves every tenant; what "
            "grows is the window cache.\n\n"
            f"| tenants | RSS MiB |\n|---|---|\n{rows}\n\n![board RSS]({png})\n\n"
            "Bytes one viewer receives per 5 s tick once its figure is drawn (a poll "
            "answer carrying only new points):\n\n"
            f"- on the wire (gzip): **{sizes['wire']:.0f} B**\n"
            f"- JSON after decompression: **{sizes['json']:.0f} B**\n"
        )

    def capacity(self, dazzler: Search, base: Search, figures: dict[str, Any]) -> None:
        def table(search: Search) -> str:
            rows = [_run_row("step", r) for r in search.steps]
            rows += [_run_row("confirm", r) for r in search.confirmed]
            return RUN_HEADER + "\n" + "\n".join(rows)

        names = plots.latency_and_throughput(
            {"Dazzler (gateway)": [*dazzler.steps, *dazzler.confirmed],
             "first-Dazzler baseline": [*base.steps, *base.confirmed]},
            self.out,
        )  # fmt: skip
        capped = " (the search reached its cap: the real limit is higher)" if dazzler.capped else ""
        self.sections.append(
            "## 2. Most live viewers at p95 ≤ 250 ms, no failures\n\n"
            "Viewers on roughnator spread over every tenant, 20 % of them hidden tabs "
            "(one poll a minute), interactions every 2 min on average (another entity or "
            "window, CSV download), each starting at a random phase within the 5 s "
            "interval. Stepped search: double until a run fails the rule, bisect, then "
            "the candidate must pass 3 more runs in a row (else it drops by a sixth). "
            "Each run: ramp at 50 viewers/s, 6 s settling, then the measured window; "
            "p95 is over polls in that window, failures over the whole run.\n\n"
            f"**Result: {dazzler.max_viewers} viewers**{capped}.\n\n"
            f"{table(dazzler)}\n\n" + "".join(f"![{n}]({n})\n\n" for n in names)
        )
        self.sections.append(
            "## 5. Against the first Dazzler's way\n\n"
            "`bench/src/dazzler_bench/baseline_app.py` does what the first Dazzler did: "
            "one process (Flask-based Dash mounted in FastAPI through WSGI, uvicorn), and "
            "per viewer per tick a fresh blocking QL query (`lastN=100`) and a full "
            "`plotly.express` figure sent whole. Same viewers, same pacing, same hidden "
            "share; one tenant (the Dazzler run above spreads over all tenants, which "
            "only makes its side harder). Same search and pass rule.\n\n"
            f"**Baseline: {base.max_viewers} viewers; Dazzler: {dazzler.max_viewers}; "
            f"gain x {figures.get('gain_vs_baseline_ratio', 0)}.**\n\n{table(base)}\n"
        )

    def open_model(self, viewers: int, results: Sequence[OpenResult]) -> None:
        rows = "\n".join(
            f"| {r.rate:.1f} | {r.sent} | {r.p50_ms:.0f} | {r.p95_ms:.0f} | {r.failures} |"
            for r in results
        )
        self.sections.append(
            "## Open-model check at the saturation point\n\n"
            f"Polls of {viewers} viewers (80 % every 5 s, 20 % every minute) sent at that "
            "fixed arrival rate, and at 1.5 times that rate, through the gateway, cycling over "
            "every tenant's roughnator poll.\n\n"
            "| polls/s | sent | p50 ms | p95 ms | failures |\n|---|---|---|---|---|\n"
            f"{rows}\n"
        )

    def page_weight(self, weights: Sequence[BoardWeight]) -> None:
        rows = "\n".join(
            f"| {w.board} | {w.first_visit.total / 1000:,.0f} | {w.repeat_visit.total / 1000:,.1f} "
            f"| {w.board_switch.total / 1000:,.1f} |"
            for w in weights
        )
        self.sections.append(
            "## 6. Page weight (Chromium, through the gateway)\n\n"
            "Bytes on the wire as Chromium's network events count them (headers included), "
            "demo tenant: a first visit with an empty cache, a repeat visit in the same "
            "browser, and opening the board after another board of the tenant. Targets: "
            "first visit ≤ 1,000 kB, repeat visit and board switch ≤ 50 kB.\n\n"
            "| board | first visit kB | repeat visit kB | board switch kB |\n"
            f"|---|---|---|---|\n{rows}\n"
        )

    def write(self, figures: dict[str, Any], seconds: float) -> Path:
        summary = "\n".join(f"| `{k}` | {v} |" for k, v in figures.items())
        head = (
            "# Dazzler benchmark report\n\n"
            f"Generated by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
            f" in {seconds / 60:.1f} min; {os.cpu_count()} cores, Python "
            f"{platform.python_version()}"
            + (" — **quick mode: tiny sizes, not figures to quote**" if self.quick else "")
            + ".\n\nPass rule for every capacity figure: poll p95 ≤ 250 ms and 0 failed "
            "requests, at least 3 passing runs at the limit.\n\n"
            f"| figure | value |\n|---|---|\n{summary}\n\n{CAVEAT}\n"
        )
        path = self.out / "report.md"
        path.write_text(head + "\n" + "\n".join(self.sections))
        return path
