from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dazzler_stack.testing import scratch_database
from pydantic import AliasChoices, AliasPath

ROOT = Path(__file__).resolve().parents[2]

# Which settings class reads the environment of each of our images / processes.
SETTINGS_MODULES = {
    "sim": "sim.config",
    "generator": "sim.config",
    "registry": "registry.config",
    "tenant-registry": "registry.config",
    "gateway": "gateway.config",
    "board-roughnator": "board_roughnator.config",
    "board-sleuth": "board_sleuth.config",
    "board-fams": "board_fams.config",
    "board-insight": "board_insight.config",
    "board-demo": "board_demo.config",
    "board-monitor": "board_monitor.config",
}


def _settings_env_names(service: str) -> set[str]:
    """Every environment variable the service's Settings class reads, upper-cased."""
    settings_cls: Any = importlib.import_module(SETTINGS_MODULES[service]).Settings
    prefix = str(settings_cls.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for name, field in settings_cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            choices = [c for c in alias.choices if isinstance(c, str)]
            names.update(c.upper() for c in choices)
            # pydantic-settings also reads prefix+name when a choice is the bare field name.
            if name in choices:
                names.add(f"{prefix}{name}".upper())
        elif isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasPath):
            continue
        else:
            names.add(f"{prefix}{name}".upper())
            if _is_board_settings(settings_cls):
                names.add(f"DAZZLER_BOARD_{name}".upper())
    return names


def _is_board_settings(settings_cls: type) -> bool:
    # Board services also read the shared DAZZLER_BOARD_* variables underneath their own.
    from boardkit.config import BoardSettings

    return issubclass(settings_cls, BoardSettings)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def settings_env_names() -> Callable[[str], set[str]]:
    """Return a function: service name -> the environment variables its Settings read."""
    return _settings_env_names


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the machine's server; its URL."""
    with scratch_database("dazzler_stack") as url:
        yield url
