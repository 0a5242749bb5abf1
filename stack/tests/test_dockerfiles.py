from __future__ import annotations

import importlib
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from dazzler_stack.__main__ import main
from dazzler_stack.catalogue import SERVICES, ServiceSpec, image_build_args

DOCKERFILE = "deploy/Dockerfile"
SERVING = [spec for spec in SERVICES.values() if spec.ports]


def _hadolint() -> str:
    return str(Path(sys.executable).parent / "hadolint")


@pytest.fixture(scope="module")
def dockerfile(root: Path) -> str:
    return (root / DOCKERFILE).read_text()


def test_there_is_one_dockerfile(root: Path) -> None:
    found = {
        str(p.relative_to(root))
        for top in ("services", "sim", "libs", "stack", "deploy")
        for p in (root / top).rglob("Dockerfile*")
    }
    found |= {p.name for p in root.glob("Dockerfile*")}
    assert found == {DOCKERFILE}


def test_dockerfile_passes_hadolint(root: Path) -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(root / DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_builds_small_non_root_images(dockerfile: str) -> None:
    stages = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert stages[0].startswith("ghcr.io/astral-sh/uv:")
    assert all(s.startswith("python:3.11") and s.endswith("-slim-bookworm") for s in stages[1:])
    assert "COPY --from=uv /uv " in dockerfile
    user = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert user
    assert not user[-1].startswith(("root", "0"))
    assert re.search(r"^HEALTHCHECK .*CMD", dockerfile, flags=re.MULTILINE | re.DOTALL)


def test_dependencies_are_installed_before_the_source_is_copied(dockerfile: str) -> None:
    deps = dockerfile.index('--no-install-workspace --package "$PACKAGE"')
    source = dockerfile.index("COPY ${PACKAGE_DIR} ${PACKAGE_DIR}")
    final = dockerfile.index('--no-editable --package "$PACKAGE"')
    assert "uv sync --frozen" in dockerfile[deps - 80 : deps]
    assert deps < source < final


def test_every_workspace_member_manifest_is_in_the_dependency_layer(
    root: Path, dockerfile: str
) -> None:
    workspace = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]
    members = {
        str(p.relative_to(root))
        for pattern in workspace["members"]
        for p in root.glob(pattern)
        if (p / "pyproject.toml").is_file()
    }
    assert members
    for member in members:
        assert f"COPY {member}/pyproject.toml {member}/" in dockerfile, member


def test_dockerfile_takes_exactly_the_catalogue_build_arguments(dockerfile: str) -> None:
    declared = set(re.findall(r"^ARG (\w+)", dockerfile, flags=re.MULTILINE))
    for spec in SERVING:
        assert set(image_build_args(spec)) == declared, spec.name


def test_image_listens_on_every_interface_under_the_settings_prefix(dockerfile: str) -> None:
    assert "${SETTINGS_PREFIX}HOST=0.0.0.0" in dockerfile
    assert "EXPOSE ${PORT}" in dockerfile


@pytest.mark.parametrize("spec", SERVICES.values(), ids=list(SERVICES))
def test_catalogue_names_the_real_package_and_module(root: Path, spec: ServiceSpec) -> None:
    manifest = tomllib.loads((root / spec.package_dir / "pyproject.toml").read_text())
    assert manifest["project"]["name"] == spec.package
    assert (root / spec.package_dir / "src" / spec.module / "__main__.py").is_file()


@pytest.mark.parametrize("spec", SERVING, ids=[s.name for s in SERVING])
def test_settings_default_to_the_catalogue_ports(spec: ServiceSpec) -> None:
    # The image sets only HOST: each port comes from the Settings default, so that
    # default must be the port compose, Kubernetes and the HEALTHCHECK expect.
    settings: Any = importlib.import_module(f"{spec.module}.config").Settings
    assert settings.model_config["env_prefix"].upper() == spec.env_prefix
    for (_, setting), port in zip(spec.ports, spec.default_ports, strict=True):
        assert settings.model_fields[setting.lower()].default == port, setting


def test_a_process_without_a_port_gets_the_image_of_its_package() -> None:
    generator = SERVICES["generator"]
    assert image_build_args(generator) == image_build_args(SERVICES["sim"])


def test_build_command_builds_the_catalogue_image_from_the_root(capsys) -> None:
    assert main(["build-command", "board-demo", "--tag", "1.2.3"]) == 0
    words = shlex.split(capsys.readouterr().out)
    assert words[:3] == ["docker", "build", "--file=deploy/Dockerfile"]
    assert words[-2:] == ["--tag=dazzler/board-demo:1.2.3", "."]
    build_args = dict(w.removeprefix("--build-arg=").split("=", 1) for w in words[3:-2])
    assert build_args == image_build_args(SERVICES["board-demo"])


def test_build_command_of_an_unknown_service_is_refused(capsys) -> None:
    assert main(["build-command", "board-nope"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown service 'board-nope'" in captured.err
    assert "board-demo" in captured.err
