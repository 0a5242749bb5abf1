"""Every command the README shows exists and answers: make targets dry-run, CLIs --help.

The commands' behaviour is tested where each lives (registry CLI, stack, load tests); this
keeps the README from naming a target, module or subcommand that is not there.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
LINES = [
    line.split("#", 1)[0].strip()
    for block in BLOCKS
    for line in block.replace("\\\n", " ").splitlines()
]
MAKE_TARGETS = sorted(
    {m for line in LINES for m in re.findall(r"^make ([a-z-]+)", line)}
    | set(re.findall(r"`make ([a-z-]+)`", README))
)
MODULE_COMMANDS = sorted(
    {
        tuple(_cmd)
        for line in LINES
        if (m := re.search(r"python -m (\S+)((?: [a-z][a-z-]*)*)", line))
        for _cmd in [[m.group(1), *m.group(2).split()]]
    }
    | {
        (m.group(1), *m.group(2).split())
        for m in re.finditer(r"`python -m (\S+)((?: [a-z][a-z-]*)*)`", README)
    }
)
SCRIPTS = sorted(
    {
        shlex.split(line)[2]
        for line in LINES
        if line.startswith("uv run ") and not line.startswith("uv run python")
    }
)


def test_the_readme_starts_with_the_two_commands() -> None:
    first_block = BLOCKS[0]
    assert first_block.splitlines()[0].startswith("make run")
    assert first_block.splitlines()[1].startswith("make test")


def test_readme_names_commands() -> None:
    assert {"run", "test", "bench"} <= set(MAKE_TARGETS)
    assert ("registry", "serve") in MODULE_COMMANDS


@pytest.mark.parametrize("target", MAKE_TARGETS)
def test_make_target_exists(target: str) -> None:
    result = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", MODULE_COMMANDS, ids=" ".join)
def test_module_command_answers_help(command: tuple[str, ...]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "usage" in (result.stdout + result.stderr).lower()


@pytest.mark.parametrize("script", SCRIPTS)
def test_console_script_answers_help(script: str) -> None:
    executable = Path(sys.executable).parent / script
    result = subprocess.run(
        [str(executable), "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
