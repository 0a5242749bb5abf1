"""What a Dash page is to its renderer: components with props, and callbacks between them.

The load users do not replay canned request bodies: they read a board's ``_dash-layout``
and ``_dash-dependencies`` the way dash-renderer does and build each
``_dash-update-component`` body from that state, so they follow the boards as the boards
change. Pattern-matching ids (``MATCH``, ``ALL``) are resolved against the layout.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Id = str | dict[str, Any]
WILDCARDS = ("MATCH", "ALL", "ALLSMALLER")


class PageFormatError(ValueError):
    """The layout or the dependencies are not what a Dash server sends."""


def stringify_id(component_id: Id) -> str:
    """The key Dash uses for an id in responses and ``changedPropIds`` (sorted JSON)."""
    if isinstance(component_id, dict):
        parts = (f"{json.dumps(k)}:{json.dumps(component_id[k])}" for k in sorted(component_id))
        return "{" + ",".join(parts) + "}"
    return component_id


def _parse_id(text: str) -> Id:
    if text.startswith("{"):
        parsed = json.loads(text)
        if not isinstance(parsed, dict):
            raise PageFormatError(f"bad component id {text!r}")
        return parsed
    return text


@dataclass(frozen=True, slots=True)
class Dependency:
    """One ``id.property`` in a callback, the id possibly holding wildcards."""

    id: Id
    prop: str

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Dependency:
        return cls(_parse_id(str(raw["id"])), str(raw["property"]))

    @classmethod
    def parse_output(cls, text: str) -> Dependency:
        component, _, prop = text.rpartition(".")
        return cls(_parse_id(component), prop)

    @property
    def wildcard(self) -> str | None:
        if not isinstance(self.id, dict):
            return None
        for value in self.id.values():
            if isinstance(value, list) and value and value[0] in WILDCARDS:
                return str(value[0])
        return None


@dataclass(frozen=True, slots=True)
class Callback:
    """A callback as ``_dash-dependencies`` describes it."""

    output: str
    outputs: tuple[Dependency, ...]
    multi: bool
    inputs: tuple[Dependency, ...]
    state: tuple[Dependency, ...]
    clientside: bool
    prevent_initial_call: bool

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Callback:
        output = str(raw["output"])
        multi = output.startswith("..")
        parts = output[2:-2].split("...") if multi else [output]
        return cls(
            output=output,
            outputs=tuple(Dependency.parse_output(p) for p in parts if p),
            multi=multi,
            inputs=tuple(Dependency.parse(d) for d in raw.get("inputs", [])),
            state=tuple(Dependency.parse(d) for d in raw.get("state", [])),
            clientside=raw.get("clientside_function") is not None,
            prevent_initial_call=bool(raw.get("prevent_initial_call")),
        )


@dataclass(frozen=True, slots=True)
class Bound:
    """One concrete instance of a callback: wildcards replaced by the layout's ids."""

    callback: Callback
    match: tuple[tuple[str, Any], ...]
    inputs: tuple[tuple[Id, str] | tuple[tuple[Id, str], ...], ...]
    state: tuple[tuple[Id, str] | tuple[tuple[Id, str], ...], ...]
    outputs: tuple[tuple[Id, str], ...]

    @property
    def key(self) -> tuple[str, tuple[tuple[str, Any], ...]]:
        return self.callback.output, self.match

    def input_props(self) -> Iterator[str]:
        """``id.prop`` of every input this instance listens to."""
        for item in self.inputs:
            refs: Any = item if _is_group(item) else (item,)
            for component, prop in refs:
                yield f"{stringify_id(component)}.{prop}"


def _is_group(item: Any) -> bool:
    return bool(item) and isinstance(item[0], tuple)


@dataclass(slots=True)
class Page:
    """Renderer state of one page: every component's props, and the bound callbacks."""

    props: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, Id] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    callbacks: list[Bound] = field(default_factory=list)

    @classmethod
    def build(cls, layout: Any, dependencies: Any) -> Page:
        """Read a ``_dash-layout`` and ``_dash-dependencies`` answer (parsed JSON)."""
        if not isinstance(dependencies, list):
            raise PageFormatError("_dash-dependencies is not a list")
        page = cls()
        page._walk(layout)
        if not page.props:
            raise PageFormatError("the layout has no component with an id")
        for raw in dependencies:
            page.callbacks.extend(page._bind(Callback.parse(raw)))
        return page

    def _walk(self, node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                self._walk(child)
            return
        if not isinstance(node, dict):
            return
        props = node.get("props")
        if isinstance(props, dict) and "type" in node and "namespace" in node:
            if "id" in props:
                key = stringify_id(props["id"])
                self.props[key] = props
                self.ids[key] = props["id"]
                self.types[key] = str(node["type"])
            for value in props.values():
                self._walk(value)

    def _matching(self, dep: Dependency) -> list[str]:
        if not isinstance(dep.id, dict):
            key = stringify_id(dep.id)
            return [key] if key in self.props else []
        pattern = dep.id
        found = []
        for key, component in self.ids.items():
            if not isinstance(component, dict) or set(component) != set(pattern):
                continue
            if all(
                (isinstance(v, list) and v and v[0] in WILDCARDS) or component[k] == v
                for k, v in pattern.items()
            ):
                found.append(key)
        return found

    def _bind(self, callback: Callback) -> Iterator[Bound]:
        if not callback.inputs:
            return
        first = callback.inputs[0]
        if first.wildcard == "MATCH":
            keys = [k for k, v in first.id.items() if isinstance(v, list) and v == ["MATCH"]]  # type: ignore[union-attr]
            seen: set[tuple[tuple[str, Any], ...]] = set()
            for found in self._matching(first):
                component = self.ids[found]
                assert isinstance(component, dict)
                match = tuple((k, component[k]) for k in keys)
                if match not in seen:
                    seen.add(match)
                    bound = self._resolve(callback, dict(match))
                    if bound is not None:
                        yield bound
        else:
            bound = self._resolve(callback, {})
            if bound is not None:
                yield bound

    def _resolve(self, callback: Callback, match: dict[str, Any]) -> Bound | None:
        def concrete(dep: Dependency) -> tuple[Id, str] | tuple[tuple[Id, str], ...] | None:
            if isinstance(dep.id, dict) and dep.wildcard is not None:
                fixed = {k: match.get(k, v) if v == ["MATCH"] else v for k, v in dep.id.items()}
                found = self._matching(Dependency(fixed, dep.prop))
                if dep.wildcard in ("ALL", "ALLSMALLER") or any(
                    isinstance(v, list) and v and v[0] in ("ALL", "ALLSMALLER")
                    for v in fixed.values()
                ):
                    return tuple((self.ids[k], dep.prop) for k in found)
                return (self.ids[found[0]], dep.prop) if found else None
            key = stringify_id(dep.id)
            return (self.ids[key], dep.prop) if key in self.props else None

        inputs = [concrete(d) for d in callback.inputs]
        if any(i is None for i in inputs):
            return None
        outputs = [concrete(d) for d in callback.outputs]
        if any(o is None or _is_group(o) for o in outputs):
            return None
        state = [concrete(d) for d in callback.state]
        if any(s is None for s in state):
            return None
        return Bound(
            callback=callback,
            match=tuple(sorted(match.items())),
            inputs=tuple(inputs),  # type: ignore[arg-type]
            state=tuple(state),  # type: ignore[arg-type]
            outputs=tuple(outputs),  # type: ignore[arg-type]
        )

    def value(self, component: Id, prop: str) -> Any:
        """A prop's current value (``None`` when never set, as in the browser)."""
        return self.props.get(stringify_id(component), {}).get(prop)

    def set_value(self, component: Id, prop: str, value: Any) -> None:
        self.props.setdefault(stringify_id(component), {})[prop] = value

    def request_body(self, bound: Bound, changed: list[str]) -> dict[str, Any]:
        """The JSON body dash-renderer POSTs to ``_dash-update-component``."""

        def entry(item: Any) -> Any:
            if _is_group(item):
                return [entry(sub) for sub in item]
            component, prop = item
            return {"id": component, "property": prop, "value": self.value(component, prop)}

        outputs = [{"id": c, "property": p} for c, p in bound.outputs]
        return {
            "output": bound.callback.output,
            "outputs": outputs if bound.callback.multi else outputs[0],
            "inputs": [entry(i) for i in bound.inputs],
            "changedPropIds": changed,
            "state": [entry(s) for s in bound.state],
        }

    def apply(self, answer: Any) -> list[str]:
        """Store a callback answer's props; return the ``id.prop`` that changed."""
        if not isinstance(answer, dict):
            raise PageFormatError("callback answer is not an object")
        response = answer.get("response", {})
        if not isinstance(response, dict):
            raise PageFormatError("callback answer has no 'response' object")
        changed = []
        for key, props in response.items():
            if not isinstance(props, dict):
                continue
            target = self.props.setdefault(key, {})
            for prop, value in props.items():
                if target.get(prop) != value:
                    changed.append(f"{key}.{prop}")
                target[prop] = value
        return changed

    def triggered_by(self, prop_ids: list[str]) -> list[Bound]:
        """Server callbacks that listen to any of ``prop_ids``."""
        wanted = set(prop_ids)
        return [
            b for b in self.callbacks if not b.callback.clientside and wanted & set(b.input_props())
        ]

    def of_type(self, component_type: str) -> list[str]:
        """Keys of the components of one type (``Interval``, ``Dropdown``, ``Button``…)."""
        return [k for k, t in self.types.items() if t == component_type]
