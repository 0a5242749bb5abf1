"""The workspace's members as the structure checks see them: their declared dependencies
and the imports of their source and test files."""

from __future__ import annotations

import ast
import glob
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Import:
    module: str  # absolute dotted name, relative imports resolved
    path: Path
    line: int
    typing_only: bool  # under ``if TYPE_CHECKING:``, never run


@dataclass(frozen=True)
class Member:
    name: str  # distribution name, canonical
    path: Path
    dependencies: frozenset[str]  # [project] dependencies
    extras: frozenset[str]  # every optional extra
    groups: frozenset[str]  # every dependency group

    @property
    def src(self) -> Path:
        return self.path / "src"

    @property
    def tests(self) -> Path:
        return self.path / "tests"

    def packages(self) -> list[str]:
        """Top-level import names the member ships."""
        return sorted(p.name for p in self.src.iterdir() if (p / "__init__.py").exists())


_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def canonicalize_name(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: list[str]) -> frozenset[str]:
    names = set()
    for requirement in requirements:
        found = _REQUIREMENT_NAME.match(requirement.strip())
        if found is None:
            raise ValueError(f"cannot read the distribution name of {requirement!r}")
        names.add(canonicalize_name(found.group()))
    return frozenset(names)


def members() -> list[Member]:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found = []
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        for folder in sorted(glob.glob(str(ROOT / pattern))):
            manifest = Path(folder) / "pyproject.toml"
            if not manifest.exists():
                continue
            project = tomllib.loads(manifest.read_text())
            groups = project.get("dependency-groups", {})
            found.append(
                Member(
                    name=canonicalize_name(project["project"]["name"]),
                    path=Path(folder),
                    dependencies=_names(project["project"].get("dependencies", [])),
                    extras=_names(
                        [
                            r
                            for rs in project["project"].get("optional-dependencies", {}).values()
                            for r in rs
                        ]
                    ),
                    groups=_names([r for rs in groups.values() for r in rs if isinstance(r, str)]),
                )
            )
    return found


def root_dev_group() -> frozenset[str]:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return _names(root.get("dependency-groups", {}).get("dev", []))


def _module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, base: Path) -> Iterator[Import]:
    """Every import statement in ``path`` (a module under package root ``base``), with
    relative imports made absolute."""
    tree = ast.parse(path.read_text(), filename=str(path))
    module = _module_name(path, base)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST, typing_only: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, path, node.lineno, typing_only)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                target = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                target = node.module or ""
            # ``from pkg import name`` may import submodule ``pkg.name``.
            yield Import(target, path, node.lineno, typing_only)
            for alias in node.names:
                yield Import(f"{target}.{alias.name}", path, node.lineno, typing_only)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, True)
            for child in node.orelse:
                yield from visit(child, typing_only)
        else:
            for child in ast.iter_child_nodes(node):
                yield from visit(child, typing_only)

    yield from visit(tree, False)


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if ".venv" not in p.parts)
