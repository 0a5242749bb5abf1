"""The command line of a service configured only by environment variables.

``python -m <service> --help`` lists every variable with its default and meaning, and a
missing or invalid variable ends the process with one clear line per problem (exit code
2) instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings

__all__ = ["describe_settings", "load_settings"]

S = TypeVar("S", bound=BaseSettings)


def _env_names(settings_cls: type[BaseSettings], field: str) -> list[str]:
    info = settings_cls.model_fields[field]
    alias = info.validation_alias
    choices = getattr(alias, "choices", None)
    if choices:
        return [str(c).upper() for c in choices if isinstance(c, str)]
    if isinstance(alias, str):
        return [alias.upper()]
    prefix = str(settings_cls.model_config.get("env_prefix", ""))
    return [f"{prefix}{field}".upper()]


def describe_settings(settings_cls: type[BaseSettings]) -> str:
    """Return one line per setting: its environment variable(s), default and meaning."""
    lines = []
    for field, info in settings_cls.model_fields.items():
        names = " or ".join(_env_names(settings_cls, field))
        default = "required" if info.is_required() else f"default {info.get_default()!r}"
        if "secret" in field:
            default = "required" if info.is_required() else "default hidden"
        lines.append(f"  {names} ({default})\n      {info.description or ''}")
    return "\n".join(lines)


def load_settings(
    factory: Callable[[], S],
    settings_cls: type[S],
    *,
    prog: str,
    description: str,
    argv: Sequence[str] | None = None,
) -> S:
    """Parse ``argv`` (only ``--help``) and return ``factory()``, or exit with a clear error."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog="environment variables:\n" + describe_settings(settings_cls),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.parse_args(argv)
    try:
        return factory()
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            names = " or ".join(_env_names(settings_cls, field)) if field else prog
            print(f"{prog}: {names}: {error['msg']}", file=sys.stderr)
        raise SystemExit(2) from None
