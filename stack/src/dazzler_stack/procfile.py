"""Reading the root ``Procfile``, the list of processes `make run` starts."""

from __future__ import annotations

from pathlib import Path

from honcho.environ import parse_procfile


class ProcfileError(RuntimeError):
    """The Procfile is missing, or names a process the stack does not know how to wire."""


def find_procfile(start: Path) -> Path:
    """Return the nearest ``Procfile`` in ``start`` or one of its parents."""
    for directory in (start.resolve(), *start.resolve().parents):
        candidate = directory / "Procfile"
        if candidate.is_file():
            return candidate
    raise ProcfileError(f"no Procfile in {start.resolve()} or any parent directory")


def load_procfile(path: Path) -> dict[str, str]:
    """Return the processes of the Procfile at ``path``, name to shell command, in order."""
    try:
        contents = path.read_text()
    except OSError as exc:
        raise ProcfileError(f"cannot read {path}: {exc}") from exc
    processes: dict[str, str] = dict(parse_procfile(contents).processes)
    if not processes:
        raise ProcfileError(f"{path} lists no processes")
    return processes
