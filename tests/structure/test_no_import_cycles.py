"""No workspace package has import cycles among its own modules.

A cycle makes import order matter (the module imported second sees a half-initialised
first one) and means neither module can be understood alone. Counted are the imports that
run (at module level or inside functions); imports under ``if TYPE_CHECKING:`` only name
types (SQLAlchemy's two-sided relationships need them) and a module's import of its own
parent package is implied by every import of the module, so neither makes a cycle.
"""

from __future__ import annotations

import pytest

from tests.structure.workspace import Member, imports, members, python_files

# Packages whose cycles are known and being removed: package -> why it is allowed for now.
# Shrink only; a listed package without cycles fails, so fixed ones leave the list.
KNOWN_CYCLES: dict[str, str] = {}

PACKAGES = [(member, package) for member in members() for package in member.packages()]


def _graph(member: Member, package: str) -> dict[str, set[str]]:
    """Module -> the package's own modules it imports."""
    files = python_files(member.src / package)
    modules = {}
    for path in files:
        parts = list(path.relative_to(member.src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imported in imports(path, member.src):
            if imported.typing_only:
                continue
            target = imported.module
            # ``from pkg.mod import name`` yields pkg.mod.name too; keep the longest module.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _path_within(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One cycle through the component's first module, for the failure message."""
    start, members_ = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & members_):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    return component


@pytest.mark.parametrize(("member", "package"), PACKAGES, ids=[p for _, p in PACKAGES])
def test_package_has_no_import_cycles(member: Member, package: str) -> None:
    graph = _graph(member, package)
    cycles = [" -> ".join(_path_within(graph, c)) for c in _cycles(graph)]
    if package in KNOWN_CYCLES:
        assert cycles, f"{package} has no cycles any more: remove it from KNOWN_CYCLES"
        return
    assert cycles == [], f"import cycles in {package}:\n" + "\n".join(cycles)


def test_cycle_finder_reports_a_cycle_and_not_a_chain() -> None:
    assert _cycles({"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}, "p.d": {"p.a"}}) == [
        ["p.a", "p.b", "p.c"]
    ]
    assert _cycles({"p.a": {"p.b"}, "p.b": set()}) == []
