from __future__ import annotations

import re

from dazzler_stack import Layout
from dazzler_stack.summary import (
    MOST_TENANTS_SHOWN,
    Board,
    StartupSummary,
    TenantBoards,
    format_summary,
    service_lines,
)

GATEWAY = "http://127.0.0.1:8000"
REGISTRY = "http://127.0.0.1:8001"


def _summary(**changes: object) -> StartupSummary:
    values: dict[str, object] = {
        "gateway": GATEWAY,
        "services": service_lines(["gateway", "registry", "generator", "sim"], Layout.defaults()),
        "tenants": (
            TenantBoards("demo", (Board("Showcase", f"{GATEWAY}/dazzler/demo/-/"),)),
            TenantBoards("acme", ()),
        ),
        "more_tenants": 0,
        "registry": REGISTRY,
        "metrics": "http://127.0.0.1:9000/metrics",
        "seconds": 12.345,
    }
    values.update(changes)
    return StartupSummary(**values)  # type: ignore[arg-type]


def test_every_socket_of_the_running_processes_is_listed_in_start_order() -> None:
    lines = service_lines(["gateway", "registry", "generator", "sim"], Layout.defaults())

    assert [(line.key, line.url) for line in lines] == [
        ("sim", "http://127.0.0.1:8668"),
        ("sim/orion", "http://127.0.0.1:1026"),
        ("generator", ""),
        ("registry", "http://127.0.0.1:8001"),
        ("gateway", "http://127.0.0.1:8000"),
        ("gateway/metrics", "http://127.0.0.1:9000/metrics"),
    ]
    assert lines[0].state == "ready (QuantumLeap stand-in)"
    assert lines[2].state.startswith("running")


def test_summary_names_services_tenants_admin_docs_metrics_and_time() -> None:
    text = format_summary(_summary())
    lines = text.splitlines()

    assert lines[0] == f"Dazzler is ready: {GATEWAY}/dazzler/demo/-/"
    assert lines[-1] == "Press Ctrl+C to stop."
    assert re.search(r"^  gateway/metrics +http://127\.0\.0\.1:9000/metrics +ready", text, re.M)
    assert f"    Showcase  {GATEWAY}/dazzler/demo/-/" in lines
    # A tenant without boards is told how to get one, not left blank.
    assert "    (no boards: python -m registry boards grant acme <board>)" in lines
    assert f"Admin API:  {REGISTRY}/v1/admin/" in text
    assert f"API docs:   {REGISTRY}/docs  and  {REGISTRY}/redoc" in lines
    assert "Metrics:    http://127.0.0.1:9000/metrics  (internal, loopback only)" in lines
    assert "Start-up took 12.3 s." in lines


def test_a_registry_that_does_not_list_tenants_is_said_not_hidden() -> None:
    text = format_summary(_summary(tenants=(), tenant_problem="the registry did not list"))

    assert "Tenants and their boards:\n  (the registry did not list)" in text
    assert text.splitlines()[0] == f"Dazzler is ready: {GATEWAY}/dazzler/demo/-/"


def test_many_tenants_are_counted_not_listed() -> None:
    shown = tuple(TenantBoards(f"t{i}", ()) for i in range(MOST_TENANTS_SHOWN))
    text = format_summary(_summary(tenants=shown, more_tenants=25))

    assert "  … and 25 more (python -m registry tenants list)" in text.splitlines()


def test_without_a_gateway_there_is_no_metrics_line() -> None:
    assert "Metrics:" not in format_summary(_summary(metrics=""))
