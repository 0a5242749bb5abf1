from __future__ import annotations

import shlex

import pytest
from dazzler_stack import ALL_SERVICES, service_spec
from dazzler_stack.procfile import ProcfileError, find_procfile, load_procfile


def test_root_procfile_runs_every_service_with_its_module(root) -> None:
    processes = load_procfile(root / "Procfile")
    assert list(processes) == list(ALL_SERVICES)
    for name, command in processes.items():
        words = shlex.split(command)
        assert words[:2] == ["exec", "$PYTHON"], command
        assert tuple(words[2:]) == service_spec(name).argv


def test_procfile_is_found_from_a_subdirectory(root) -> None:
    assert find_procfile(root / "stack" / "src") == root / "Procfile"


def test_missing_procfile_is_reported(tmp_path) -> None:
    with pytest.raises(ProcfileError, match="no Procfile"):
        find_procfile(tmp_path)


def test_empty_procfile_is_reported(tmp_path) -> None:
    (tmp_path / "Procfile").write_text("# nothing\n")
    with pytest.raises(ProcfileError, match="lists no processes"):
        load_procfile(tmp_path / "Procfile")
