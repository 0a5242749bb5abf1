"""The ``python -m registry`` command line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from settings_cli.logs import configure_logging
from sqlalchemy.orm import Session
from tenant_context import BOARD_CATALOGUE, MONITOR_BOARD, MonitorSpec

from registry import migrate as migrations
from registry.boards import service as board_service
from registry.boards.schemas import GrantCreate
from registry.config import Settings
from registry.errors import RegistryError
from registry.monitors import service as monitor_service
from registry.monitors.schemas import (
    MonitorCreate,
    MonitorPreview,
    MonitorRead,
    MonitorUpdate,
)
from registry.runtime import Runtime
from registry.tenants import service as tenant_service
from registry.tenants.schemas import TenantCreate, TenantRead
from registry.tokens import service as token_service
from registry.tokens.service import CLI_ACTOR
from registry.unit_of_work import UnitOfWork

app = typer.Typer(help="The Dazzler tenant registry.", no_args_is_help=True)
tenants_app = typer.Typer(help="Add, list and switch tenants.", no_args_is_help=True)
boards_app = typer.Typer(help="Grant and revoke boards.", no_args_is_help=True)
tokens_app = typer.Typer(help="Admin API tokens.", no_args_is_help=True)
monitors_app = typer.Typer(
    help="Entity monitors: boards described by a JSON spec.", no_args_is_help=True
)
app.add_typer(tenants_app, name="tenants")
app.add_typer(boards_app, name="boards")
app.add_typer(tokens_app, name="tokens")
app.add_typer(monitors_app, name="monitors")

# The monitors `make run` gives tenant demo, on the simulator's telemetry entity types.
DEMO_MONITORS = {"machines": "machine-telemetry.json", "coolant": "coolant.json"}


def _settings(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


@app.callback()
def _load_settings(ctx: typer.Context) -> None:
    # Read here, not at import, so the environment of this very run counts.
    ctx.obj = Settings()


@contextmanager
def _unit_of_work(ctx: typer.Context) -> Iterator[UnitOfWork]:
    """A transaction whose commit also refreshes the cache the servers read."""
    runtime = Runtime.build(_settings(ctx))
    try:
        with runtime.session_factory() as session:
            yield UnitOfWork(session, runtime.cache, CLI_ACTOR)
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            typer.echo(f"invalid {field}: {error['msg']}", err=True)
        raise typer.Exit(2) from exc
    except RegistryError as exc:
        typer.echo(exc.detail, err=True)
        raise typer.Exit(1) from exc
    finally:
        runtime.close()


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


@app.command()
def serve(ctx: typer.Context) -> None:
    """Migrate the database to the latest schema, then serve HTTP."""
    import uvicorn

    from registry.app import create_app

    settings = _settings(ctx)
    configure_logging("registry", settings.log_level, settings.log_format)
    migrations.upgrade(settings.database_url)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,
    )


@app.command()
def migrate(
    ctx: typer.Context,
    to: Annotated[str, typer.Option(help="Target revision; 'base' removes all tables.")] = "head",
) -> None:
    """Upgrade (or, to an older revision, downgrade) the database schema."""
    url = _settings(ctx).database_url
    if to == "head":
        migrations.upgrade(url)
    else:
        migrations.downgrade(url, to)
    typer.echo(f"database at {to}")


@app.command("seed-demo")
def seed_demo(ctx: typer.Context) -> None:
    """Create tenant 'demo' with every catalogue board (safe to run again)."""
    with _unit_of_work(ctx) as uow:
        tenant = tenant_service.get_by_slug(session=uow.session, slug="demo")
        if tenant is None:
            tenant = tenant_service.create(
                session=uow.session,
                actor=uow.actor,
                data=TenantCreate(slug="demo", display_name="Demo factory"),
            )
        granted = {grant.board for grant in tenant.grants}
        for board in BOARD_CATALOGUE:
            if board not in granted and board != MONITOR_BOARD:
                mount = "" if board == "demo" else board
                data = GrantCreate(board=board, mount_path=mount)
                board_service.grant(session=uow.session, actor=uow.actor, tenant=tenant, data=data)
        for slug, filename in DEMO_MONITORS.items():
            if monitor_service.find(tenant=tenant, slug=slug) is None:
                text = resources.files("registry.monitors").joinpath("demo", filename).read_text()
                spec = MonitorSpec.model_validate_json(text)
                monitor_service.create(
                    session=uow.session,
                    actor=uow.actor,
                    tenant=tenant,
                    data=MonitorCreate(slug=slug, spec=spec),
                )
        uow.commit(tenant.slug_key)
        typer.echo(
            f"tenant demo has {len(tenant.grants)} boards and {len(tenant.monitors)} monitors"
        )


def _show(session: Session, slug: str) -> None:
    tenant = tenant_service.get_or_raise(session=session, slug=slug)
    _print_json(TenantRead.model_validate(tenant).model_dump(mode="json"))


@tenants_app.command("add")
def tenants_add(
    ctx: typer.Context,
    slug: str,
    display_name: Annotated[str | None, typer.Option()] = None,
    fiware_service: Annotated[str | None, typer.Option()] = None,
    service_path: Annotated[str, typer.Option()] = "/",
    timezone: Annotated[str, typer.Option()] = "UTC",
    theme: Annotated[str, typer.Option(help="light or dark")] = "light",
) -> None:
    """Add a tenant."""
    with _unit_of_work(ctx) as uow:
        data = TenantCreate.model_validate(
            {
                "slug": slug,
                "display_name": display_name,
                "fiware_service": fiware_service,
                "service_path": service_path,
                "timezone": timezone,
                "theme": theme,
            }
        )
        tenant = tenant_service.create(session=uow.session, actor=uow.actor, data=data)
        uow.commit(tenant.slug_key)
        typer.echo(f"added tenant {tenant.slug}")


@tenants_app.command("list")
def tenants_list(ctx: typer.Context) -> None:
    """Every tenant: slug, state, boards."""
    with _unit_of_work(ctx) as uow:
        rows, _total = tenant_service.list_page(session=uow.session, limit=100_000, offset=0)
        for tenant in rows:
            state = "enabled" if tenant.enabled else "disabled"
            boards = ",".join(grant.board for grant in tenant.grants) or "-"
            typer.echo(f"{tenant.slug}\t{state}\t{tenant.display_name}\t{boards}")


@tenants_app.command("show")
def tenants_show(ctx: typer.Context, slug: str) -> None:
    """One tenant as JSON."""
    with _unit_of_work(ctx) as uow:
        _show(uow.session, slug)


def _switch(ctx: typer.Context, slug: str, enabled: bool) -> None:
    with _unit_of_work(ctx) as uow:
        tenant = tenant_service.get_or_raise(session=uow.session, slug=slug)
        tenant_service.set_enabled(
            session=uow.session, actor=uow.actor, tenant=tenant, enabled=enabled
        )
        uow.commit(tenant.slug_key)
        typer.echo(f"tenant {tenant.slug} {'enabled' if enabled else 'disabled'}")


@tenants_app.command("disable")
def tenants_disable(ctx: typer.Context, slug: str) -> None:
    """Hide a tenant without deleting it."""
    _switch(ctx, slug, False)


@tenants_app.command("enable")
def tenants_enable(ctx: typer.Context, slug: str) -> None:
    """Serve a disabled tenant again."""
    _switch(ctx, slug, True)


@boards_app.command("grant")
def boards_grant(
    ctx: typer.Context,
    tenant: str,
    board: str,
    mount: Annotated[str | None, typer.Option(help="Mount path; '' for the home.")] = None,
    settings: Annotated[str, typer.Option(help="Board settings as a JSON object.")] = "{}",
) -> None:
    """Grant a catalogue board to a tenant."""
    try:
        parsed = json.loads(settings)
    except json.JSONDecodeError as exc:
        typer.echo(f"invalid settings: {exc}", err=True)
        raise typer.Exit(2) from exc
    with _unit_of_work(ctx) as uow:
        row = tenant_service.get_or_raise(session=uow.session, slug=tenant)
        data = GrantCreate.model_validate({"board": board, "mount_path": mount, "settings": parsed})
        grant = board_service.grant(session=uow.session, actor=uow.actor, tenant=row, data=data)
        uow.commit(row.slug_key)
        typer.echo(f"granted {grant.board} to {row.slug} at /{grant.mount_path}")


@boards_app.command("revoke")
def boards_revoke(ctx: typer.Context, tenant: str, board: str) -> None:
    """Take a board away from a tenant."""
    with _unit_of_work(ctx) as uow:
        row = tenant_service.get_or_raise(session=uow.session, slug=tenant)
        board_service.revoke(session=uow.session, actor=uow.actor, tenant=row, board=board)
        uow.commit(row.slug_key)
        typer.echo(f"revoked {board} from {row.slug}")


def _token_command(ctx: typer.Context, action: Callable[[Session], str]) -> None:
    with _unit_of_work(ctx) as uow:
        message = action(uow.session)
        uow.session.commit()
        typer.echo(message)


@tokens_app.command("create")
def tokens_create(ctx: typer.Context, name: str) -> None:
    """Create an admin token and print it; it is not stored and cannot be shown again."""
    _token_command(ctx, lambda session: token_service.create(session=session, name=name))


@tokens_app.command("revoke")
def tokens_revoke(ctx: typer.Context, name: str) -> None:
    """Revoke an admin token; requests carrying it get 401 from now on."""
    with _unit_of_work(ctx) as uow:
        if not token_service.revoke(session=uow.session, name=name):
            typer.echo(f"no live token named {name!r}", err=True)
            raise typer.Exit(1)
        uow.session.commit()
        typer.echo(f"revoked token {name}")


@tokens_app.command("list")
def tokens_list(ctx: typer.Context) -> None:
    """Token names, creation and revocation times (never the tokens)."""
    with _unit_of_work(ctx) as uow:
        for token in token_service.list_all(session=uow.session):
            revoked = token.revoked_at.isoformat() if token.revoked_at else "live"
            typer.echo(f"{token.name}\t{token.created_at.isoformat()}\t{revoked}")


SpecOption = Annotated[Path, typer.Option("--spec", help="The monitor's spec, a JSON file.")]


def _read_spec(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        typer.echo(f"cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        typer.echo(f"{path} is not JSON: {exc}", err=True)
        raise typer.Exit(2) from exc


def _print_monitor(row: Any) -> None:
    _print_json(MonitorRead.model_validate(row).model_dump(mode="json"))


@monitors_app.command("add")
def monitors_add(ctx: typer.Context, tenant: str, slug: str, spec: SpecOption) -> None:
    """Add a monitor at /<slug> under the tenant, from a spec file."""
    parsed = _read_spec(spec)
    with _unit_of_work(ctx) as uow:
        row = tenant_service.get_or_raise(session=uow.session, slug=tenant)
        data = MonitorCreate.model_validate({"slug": slug, "spec": parsed})
        monitor = monitor_service.create(
            session=uow.session, actor=uow.actor, tenant=row, data=data
        )
        uow.commit(row.slug_key)
        _print_monitor(monitor)


@monitors_app.command("update")
def monitors_update(ctx: typer.Context, tenant: str, slug: str, spec: SpecOption) -> None:
    """Replace a monitor's spec; viewers see it on their next page load."""
    parsed = _read_spec(spec)
    with _unit_of_work(ctx) as uow:
        row = tenant_service.get_or_raise(session=uow.session, slug=tenant)
        data = MonitorUpdate.model_validate({"spec": parsed})
        monitor = monitor_service.update(
            session=uow.session, actor=uow.actor, tenant=row, slug=slug, data=data
        )
        uow.commit(row.slug_key)
        _print_monitor(monitor)


@monitors_app.command("show")
def monitors_show(ctx: typer.Context, tenant: str, slug: str) -> None:
    """One monitor with its normalised spec, as JSON."""
    with _unit_of_work(ctx) as uow:
        row = tenant_service.get_or_raise(session=uow.session, slug=tenant)
        _print_monitor(monitor_service.get_or_raise(tenant=row, slug=slug))


@monitors_app.command("preview")
def monitors_preview(ctx: typer.Context, tenant: str, slug: str, spec: SpecOption) -> None:
    """Validate a spec file and print it normalised; nothing is stored."""
    parsed = _read_spec(spec)
    with _unit_of_work(ctx) as uow:
        row = tenant_service.get_or_raise(session=uow.session, slug=tenant)
        data = MonitorPreview.model_validate({"spec": parsed})
        MonitorCreate.model_validate({"slug": slug, "spec": data.spec})
        result = monitor_service.preview(tenant=row, slug=slug, spec=data.spec)
        _print_json(result.model_dump(mode="json"))


@monitors_app.command("delete")
def monitors_delete(ctx: typer.Context, tenant: str, slug: str) -> None:
    """Remove a monitor."""
    with _unit_of_work(ctx) as uow:
        row = tenant_service.get_or_raise(session=uow.session, slug=tenant)
        monitor_service.delete(session=uow.session, actor=uow.actor, tenant=row, slug=slug)
        uow.commit(row.slug_key)
        typer.echo(f"deleted monitor {slug} of {row.slug}")
