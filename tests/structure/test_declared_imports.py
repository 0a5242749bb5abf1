"""Every workspace member declares what it imports.

A member's source may import the standard library, its own packages and what its
``[project]`` dependencies or optional extras provide; its tests may also use what its
dependency groups provide, and their own helper modules. An undeclared import works in
the shared development environment and breaks for whoever installs the member alone.
"""

from __future__ import annotations

import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.structure.workspace import (
    Import,
    Member,
    canonicalize_name,
    imports,
    members,
    python_files,
)

MEMBERS = members()


def _providers() -> dict[str, set[str]]:
    """Top-level import name -> the distributions (installed or workspace) providing it."""
    providers = {
        name: {canonicalize_name(d) for d in dists}
        for name, dists in packages_distributions().items()
    }
    for member in MEMBERS:
        for package in member.packages():
            providers.setdefault(package, set()).add(member.name)
    return providers


PROVIDERS = _providers()


def _local_modules(folder: Path) -> set[str]:
    """Helper modules and packages the tests import from their own folder."""
    names = {p.stem for p in folder.rglob("*.py")}
    names |= {p.name for p in folder.rglob("*") if p.is_dir()}
    return names


def _undeclared(found: list[Import], allowed: frozenset[str], own: set[str]) -> list[str]:
    problems = []
    for imported in found:
        top = imported.module.split(".")[0]
        if not top or top in sys.stdlib_module_names or top in own or top == "__future__":
            continue
        dists = PROVIDERS.get(top)
        if dists is None:
            # ``from pkg import name`` also yields ``pkg.name``; only the package matters.
            if "." in imported.module:
                continue
            problems.append(f"{imported.path}:{imported.line}: {top} (no installed distribution)")
        elif not dists & allowed:
            problems.append(
                f"{imported.path}:{imported.line}: {top} (from {', '.join(sorted(dists))})"
            )
    return sorted(set(problems))


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: m.name)
def test_source_imports_are_declared_dependencies(member: Member) -> None:
    found = [i for path in python_files(member.src) for i in imports(path, member.src)]
    allowed = member.dependencies | member.extras | {member.name}
    problems = _undeclared(found, allowed, set(member.packages()))
    assert problems == [], (
        f"{member.name} imports what its pyproject.toml does not declare "
        "(add it to [project] dependencies, or an optional extra):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("member", [m for m in MEMBERS if m.tests.is_dir()], ids=lambda m: m.name)
def test_test_imports_are_declared(member: Member) -> None:
    found = [i for path in python_files(member.tests) for i in imports(path, member.tests)]
    allowed = member.dependencies | member.extras | member.groups | {member.name}
    own = set(member.packages()) | _local_modules(member.tests) | {"tests"}
    problems = _undeclared(found, allowed, own)
    assert problems == [], (
        f"{member.name}'s tests import what its pyproject.toml does not declare "
        "(add it to the member's dev dependency group):\n" + "\n".join(problems)
    )
