"""Insight Generator ``Results`` turned into one recommendation per KPI.

``Results`` is columnar: ``KPI_name[i]``, ``features_names[i]``, ``features_values[i]``
and ``KPI_best[i]`` describe KPI ``i``. Producers send ragged or missing columns and
numbers as strings, so nothing here truncates or drops silently: what is missing is shown
as missing, and every gap comes with a warning.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MISSING = "missing"
_COLUMNS = ("KPI_name", "features_names", "features_values", "KPI_best")


@dataclass(frozen=True, slots=True)
class Parameter:
    """One recommended setting; ``value`` is None when ``shown`` is not a number."""

    name: str
    shown: str
    value: float | None


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The recommended settings and the estimated best value of one KPI."""

    kpi: str
    parameters: tuple[Parameter, ...]
    best: float | None
    best_shown: str
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """Every KPI of one insight, and the warnings about the whole ``Results`` value."""

    recommendations: tuple[Recommendation, ...]
    warnings: tuple[str, ...]


def parse_number(value: Any) -> float | None:
    """A finite float from a number or a numeric string, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _shown(value: Any) -> str:
    if value is None:
        return MISSING
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return str(value)


def _list(value: Any) -> list[Any] | None:
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else None


def _parameters(names: Any, values: Any, kpi: str) -> tuple[list[Parameter], list[str]]:
    warnings: list[str] = []
    name_list = _list(names)
    value_list = _list(values)
    if name_list is None:
        warnings.append(f"{kpi}: parameter names are missing.")
        name_list = []
    if value_list is None:
        warnings.append(f"{kpi}: parameter values are missing.")
        value_list = []
    if len(name_list) != len(value_list):
        warnings.append(
            f"{kpi}: {len(name_list)} parameter name(s) but {len(value_list)} value(s)."
        )
    parameters: list[Parameter] = []
    for i in range(max(len(name_list), len(value_list))):
        name = name_list[i] if i < len(name_list) else None
        raw = value_list[i] if i < len(value_list) else None
        number = parse_number(raw)
        if raw is not None and number is None:
            warnings.append(f"{kpi}: value {_shown(raw)!r} of {_shown(name)} is not a number.")
        parameters.append(Parameter(_shown(name), _shown(raw), number))
    return parameters, warnings


def _recommendation(results: Mapping[str, Any], i: int) -> Recommendation:
    def cell(column: str) -> Any:
        values = _list(results.get(column))
        return values[i] if values is not None and i < len(values) else None

    raw_name = cell("KPI_name")
    kpi = str(raw_name) if raw_name is not None else f"KPI {i + 1} (name missing)"
    parameters, warnings = _parameters(cell("features_names"), cell("features_values"), kpi)
    raw_best = cell("KPI_best")
    best = parse_number(raw_best)
    if raw_best is None:
        warnings.append(f"{kpi}: the estimated best value is missing.")
    elif best is None:
        warnings.append(f"{kpi}: the estimated best value {_shown(raw_best)!r} is not a number.")
    return Recommendation(kpi, tuple(parameters), best, _shown(raw_best), tuple(warnings))


def read_results(results: Any) -> Report:
    """One recommendation per KPI, as many as the longest column, with warnings for gaps."""
    if results is None:
        return Report((), ("This insight has no Results.",))
    if not isinstance(results, Mapping):
        return Report((), (f"Results is a {type(results).__name__}, not a structured value.",))
    warnings: list[str] = []
    lengths: dict[str, int] = {}
    for name in _COLUMNS:
        values = results.get(name)
        if values is None:
            warnings.append(f"Column {name} is missing.")
        elif _list(values) is None:
            warnings.append(f"Column {name} is not a list.")
        else:
            lengths[name] = len(values)
    if len(set(lengths.values())) > 1:
        sizes = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        warnings.append(f"Columns have different lengths: {sizes}.")
    count = max(lengths.values(), default=0)
    return Report(tuple(_recommendation(results, i) for i in range(count)), tuple(warnings))
