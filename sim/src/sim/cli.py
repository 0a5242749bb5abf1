"""`python -m sim`: serve the stand-ins, generate data, or both."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from settings_cli.logs import configure_logging

from sim.config import Settings
from sim.generator.runner import run_generator
from sim.server import serve as serve_stand_ins

app = typer.Typer(
    help="QuantumLeap/Orion stand-ins and the live data generator. "
    "Every option can also be set with a DAZZLER_SIM_<NAME> environment variable.",
    no_args_is_help=True,
    add_completion=False,
)

Host = Annotated[str | None, typer.Option(help="Interface to bind.")]
QlPort = Annotated[int | None, typer.Option(help="QuantumLeap stand-in port (default: 8668).")]
OrionPort = Annotated[int | None, typer.Option(help="Orion stand-in port (default: 1026).")]
Dialect = Annotated[
    str | None, typer.Option(help="QL response dialect: 1.0.0 or 1.0.1 (default: 1.0.0).")
]
Store = Annotated[
    str | None, typer.Option(help="QL rows: memory or sqlite:PATH (default: memory).")
]
QlUrl = Annotated[str | None, typer.Option(help="QuantumLeap base URL to feed.")]
OrionUrl = Annotated[str | None, typer.Option(help="Orion base URL to feed.")]
NotifyUrl = Annotated[
    str | None,
    typer.Option(help="URL Orion should notify (orion mode) (default: <ql-url>/v2/notify)."),
]
Tenants = Annotated[str | None, typer.Option(help="Comma-separated tenants (default: demo).")]
RegistryUrl = Annotated[
    str | None,
    typer.Option(help="Feed every enabled tenant of this tenant registry instead of --tenants."),
]
Interval = Annotated[float | None, typer.Option(help="Seconds between ticks (default: 5).")]
Mode = Annotated[str | None, typer.Option(help="Delivery: ql or orion (default: ql).")]
Ticks = Annotated[int | None, typer.Option(help="Stop after N ticks (default: run until stopped).")]
ServicePath = Annotated[
    str | None, typer.Option(help="Fiware-ServicePath of the data (default: /).")
]
Seed = Annotated[int | None, typer.Option(help="Random seed for reproducible values.")]


def _settings(**overrides: Any) -> Settings:
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _logging(settings: Settings, service: str) -> None:
    configure_logging(service, settings.log_level, settings.log_format)


@app.command()
def serve(
    host: Host = None,
    ql_port: QlPort = None,
    orion_port: OrionPort = None,
    dialect: Dialect = None,
    store: Store = None,
) -> None:
    """Serve the QuantumLeap and Orion stand-ins on two ports."""
    settings = _settings(
        host=host, ql_port=ql_port, orion_port=orion_port, dialect=dialect, store=store
    )
    _logging(settings, "sim")
    asyncio.run(serve_stand_ins(settings))


@app.command()
def generate(
    ql_url: QlUrl = None,
    orion_url: OrionUrl = None,
    ql_notify_url: NotifyUrl = None,
    tenants: Tenants = None,
    registry_url: RegistryUrl = None,
    interval: Interval = None,
    mode: Mode = None,
    ticks: Ticks = None,
    service_path: ServicePath = None,
    seed: Seed = None,
) -> None:
    """Send live entities for every board to QuantumLeap and/or Orion."""
    settings = _settings(
        ql_url=ql_url,
        orion_url=orion_url,
        ql_notify_url=ql_notify_url,
        tenants=tenants,
        registry_url=registry_url,
        interval=interval,
        mode=mode,
        ticks=ticks,
        service_path=service_path,
        seed=seed,
    )
    _logging(settings, "generator")
    generator = asyncio.run(run_generator(settings))
    typer.echo(f"sent {generator.ticks_done} tick(s), {generator.failures} failed send(s)")


@app.command(name="all")
def serve_and_generate(
    host: Host = None,
    ql_port: QlPort = None,
    orion_port: OrionPort = None,
    dialect: Dialect = None,
    store: Store = None,
    tenants: Tenants = None,
    interval: Interval = None,
    mode: Mode = None,
    ticks: Ticks = None,
    service_path: ServicePath = None,
    seed: Seed = None,
) -> None:
    """Serve both stand-ins and feed them from the generator, in one process."""
    base = _settings(host=host, ql_port=ql_port, orion_port=orion_port)
    local = "127.0.0.1" if base.host in ("0.0.0.0", "::") else base.host
    settings = _settings(
        host=host,
        ql_port=ql_port,
        orion_port=orion_port,
        dialect=dialect,
        store=store,
        tenants=tenants,
        interval=interval,
        mode=mode,
        ticks=ticks,
        service_path=service_path,
        seed=seed,
        ql_url=f"http://{local}:{base.ql_port}",
        orion_url=f"http://{local}:{base.orion_port}",
    )
    _logging(settings, "sim")

    async def generate_until(stop: asyncio.Event) -> None:
        await run_generator(settings, stop)

    asyncio.run(serve_stand_ins(settings, generate_until))
