from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCKERFILES = [
    "services/gateway/Dockerfile",
    "services/tenant-registry/Dockerfile",
    "services/board-roughnator/Dockerfile",
    "services/board-sleuth/Dockerfile",
    "services/board-fams/Dockerfile",
    "services/board-insight/Dockerfile",
    "services/board-demo/Dockerfile",
    "services/board-monitor/Dockerfile",
    "sim/Dockerfile",
]


def _hadolint() -> str:
    return str(Path(sys.executable).parent / "hadolint")


@pytest.mark.parametrize("path", DOCKERFILES)
def test_dockerfile_passes_hadolint(root: Path, path: str) -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(root / path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", DOCKERFILES)
def test_dockerfile_builds_small_non_root_images(root: Path, path: str) -> None:
    text = (root / path).read_text()
    stages = re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)
    assert stages[0].startswith("ghcr.io/astral-sh/uv:")
    assert all(s.startswith("python:3.11") and s.endswith("-slim-bookworm") for s in stages[1:])
    assert "COPY --from=uv /uv " in text
    user = re.findall(r"^USER (\S+)", text, flags=re.MULTILINE)
    assert user
    assert not user[-1].startswith(("root", "0"))
    assert re.search(r"^HEALTHCHECK .*CMD", text, flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("path", DOCKERFILES)
def test_dependencies_are_installed_before_the_source_is_copied(root: Path, path: str) -> None:
    text = (root / path).read_text()
    member = str(Path(path).parent)
    deps = text.index("--no-install-workspace --package")
    source = text.index(f"COPY {member} {member}")
    final = text.index("--no-editable --package")
    assert "uv sync --frozen" in text[:deps] + text[deps : deps + 80]
    assert deps < source < final


def test_every_workspace_member_manifest_is_in_the_dependency_layer(root: Path) -> None:
    members = [
        str(p.parent.relative_to(root))
        for pattern in ("libs/*/pyproject.toml", "services/*/pyproject.toml")
        for p in root.glob(pattern)
    ]
    members += ["sim", "stack"]
    for path in DOCKERFILES:
        text = (root / path).read_text()
        for member in members:
            assert f"COPY {member}/pyproject.toml {member}/" in text, (path, member)
