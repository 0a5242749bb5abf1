"""A subset of Orion's Simple Query Language: ``==`` ``!=`` ``<`` ``>`` ``<=`` ``>=`` and ``;``.

Also ``:`` for ``==``, ``a,b`` lists and ``a..b`` ranges on equality, ``attr`` / ``!attr``
existence, and dotted paths into structured values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sim.orion.errors import bad_request
from sim.orion.model import Entity

_STATEMENT = re.compile(r"^(?P<path>[^=!<>:~]+?)\s*(?P<op>==|!=|>=|<=|>|<|:|~=)\s*(?P<value>.*)$")


def _literal(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    try:
        return float(text)
    except ValueError:
        pass
    return text


def _comparable(left: Any, right: Any) -> tuple[Any, Any] | None:
    if isinstance(left, bool) or isinstance(right, bool):
        return (left, right) if isinstance(left, bool) and isinstance(right, bool) else None
    if isinstance(left, int | float) and isinstance(right, int | float):
        return float(left), float(right)
    if isinstance(left, str) and isinstance(right, str):
        try:
            return datetime.fromisoformat(left), datetime.fromisoformat(right)
        except ValueError:
            return left, right
    if isinstance(left, str) and isinstance(right, float):
        return None
    return None


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


@dataclass(frozen=True, slots=True)
class Statement:
    path: list[str]
    op: str | None
    value: str

    def resolve(self, entity: Entity) -> tuple[bool, Any]:
        attr = entity.attrs.get(self.path[0])
        if attr is None:
            return False, None
        current: Any = attr.value
        for key in self.path[1:]:
            if not isinstance(current, dict) or key not in current:
                return False, None
            current = current[key]
        return True, current

    def test(self, entity: Entity) -> bool:
        present, actual = self.resolve(entity)
        if self.op is None:
            return present != self.value.startswith("!")
        if not present:
            return False
        if self.op in ("==", ":", "!="):
            matched = any(self._equals(actual, option) for option in _split_options(self.value))
            return matched if self.op != "!=" else not matched
        if self.op == "~=":
            return isinstance(actual, str) and re.search(self.value, actual) is not None
        pair = _comparable(actual, _literal(self.value))
        return pair is not None and _ORDER[self.op](*pair)

    @staticmethod
    def _equals(actual: Any, option: str) -> bool:
        if ".." in option and not option.startswith("'"):
            low, high = option.split("..", 1)
            lower = _comparable(actual, _literal(low))
            upper = _comparable(actual, _literal(high))
            return lower is not None and upper is not None and lower[1] <= lower[0] <= upper[1]
        pair = _comparable(actual, _literal(option))
        if pair is None:
            return str(actual) == option
        return bool(pair[0] == pair[1])


def _split_options(value: str) -> list[str]:
    options, current, quoted = [], "", False
    for char in value:
        if char == "'":
            quoted = not quoted
        if char == "," and not quoted:
            options.append(current)
            current = ""
        else:
            current += char
    options.append(current)
    return options


def parse_q(q: str) -> list[Statement]:
    """Parse a `q` string into AND-ed statements; 400 on what this subset cannot read."""
    statements = []
    for part in filter(None, (p.strip() for p in q.split(";"))):
        match = _STATEMENT.match(part)
        if match is None:
            name = part.lstrip("!")
            if not name or not re.match(r"^[\w.\-]+$", name):
                raise bad_request("invalid query expression")
            statements.append(Statement(name.split("."), None, part[: len(part) - len(name)]))
            continue
        path = match["path"].strip()
        statements.append(Statement(path.split("."), match["op"], match["value"]))
    return statements


def matches_q(entity: Entity, statements: list[Statement]) -> bool:
    return all(statement.test(entity) for statement in statements)
