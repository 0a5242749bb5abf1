"""The callback guard: malformed ``_dash-update-component`` requests get a 400, not a 500.

Dash answers any exception while it dispatches a callback with a 500, whether the body
was not JSON, named a callback that does not exist, or carried values no page could
have sent. The guard tells those client errors from real server errors:

- before Dash sees the request, the body must be a JSON object whose ``output`` names a
  registered callback and whose ``outputs``, ``inputs`` and ``state`` have the shapes,
  ids and properties that callback declares (pattern-matching ids included);
- a callback that finds values of the wrong kind raises :class:`MalformedCallback`; the
  app's error handler (:func:`on_callback_error`) marks the request, and the guard turns
  Dash's 500 into a 400.

Every other failure stays a 500 and is logged with its traceback. Answers never echo
the request, so they carry neither a trace nor tenant data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, NoReturn

from dash.fingerprint import check_fingerprint

from boardkit.answers import refuse
from boardkit.context import ASGIApp, Message, Receive, Scope, Send
from boardkit.request_body import read_body

UPDATE_PATH = "/_dash-update-component"
SUITES_PREFIX = "/_dash-component-suites/"
MAX_BODY_BYTES = 10 * 1024 * 1024
_WILDCARDS = frozenset({"MATCH", "ALL", "ALLSMALLER"})
_log = logging.getLogger("boardkit.guard")


class MalformedCallback(ValueError):
    """A callback request that no page of the board could have sent (answered 400).

    Raise it from a callback for input or state values of the wrong kind; the message
    is logged, never sent back.
    """


@dataclass(slots=True)
class _Verdict:
    """What the callback's error handler learnt about the request being served."""

    malformed: str = ""
    logged: bool = False


_verdict: ContextVar[_Verdict | None] = ContextVar("boardkit_callback_verdict", default=None)


def on_callback_error(error: Exception) -> Any:
    """Dash's app-wide ``on_error``: note client errors for the guard, log the others.

    Always re-raises, so Dash still answers 500 and the guard decides what is sent.
    """
    verdict = _verdict.get()
    if isinstance(error, MalformedCallback):
        if verdict is not None:
            verdict.malformed = str(error)
        raise error
    _log.error("callback failed: %s", type(error).__name__, exc_info=error)
    if verdict is not None:
        verdict.logged = True
    raise error


@dataclass(frozen=True, slots=True)
class _Dependency:
    """One declared output, input or state: its id (a dict for pattern ids) and property."""

    id: str | Mapping[str, Any]
    prop: str
    many: bool  # an ALL/ALLSMALLER pattern: the request carries a list of items


@dataclass(frozen=True, slots=True)
class _Spec:
    outputs: tuple[_Dependency, ...]
    multi: bool
    no_output: bool
    inputs: tuple[_Dependency, ...]
    state: tuple[_Dependency, ...]


def _dependency(raw_id: str, prop: str) -> _Dependency:
    if not raw_id.startswith("{"):
        return _Dependency(raw_id, prop, False)
    parsed: dict[str, Any] = json.loads(raw_id)
    wild = {k: v[0] for k, v in parsed.items() if isinstance(v, list) and v and v[0] in _WILDCARDS}
    pattern = {**parsed, **{k: _Wild(v) for k, v in wild.items()}}
    return _Dependency(pattern, prop, any(v in ("ALL", "ALLSMALLER") for v in wild.values()))


@dataclass(frozen=True, slots=True)
class _Wild:
    kind: str


def _spec(entry: Mapping[str, Any]) -> _Spec:
    declared = entry.get("output")
    multi = isinstance(declared, list | tuple)
    outputs_raw = list(declared) if multi else ([] if declared is None else [declared])  # type: ignore[arg-type]
    outputs = []
    for output in outputs_raw:
        spelled = output.to_dict()
        outputs.append(_dependency(str(spelled["id"]), str(spelled["property"])))
    return _Spec(
        outputs=tuple(outputs),
        multi=multi,
        no_output=bool(entry.get("no_output")),
        inputs=tuple(_dependency(str(d["id"]), str(d["property"])) for d in entry["inputs"]),
        state=tuple(_dependency(str(d["id"]), str(d["property"])) for d in entry.get("state", [])),
    )


def _refuse(reason: str) -> NoReturn:
    raise MalformedCallback(reason)


class CallbackShapes:
    """Checks request bodies against the callbacks registered on a Dash app."""

    def __init__(self, callback_map: Mapping[str, Mapping[str, Any]]) -> None:
        self._map = callback_map
        self._specs: dict[str, _Spec] = {}

    def check(self, body: Any) -> None:
        """Raise MalformedCallback unless ``body`` fits a registered callback."""
        if not isinstance(body, dict):
            _refuse("the body is not a JSON object")
        output = body.get("output")
        if not isinstance(output, str):
            _refuse("no output named")
        spec = self._spec_for(output)
        matches: dict[str, Any] = {}
        inputs = body.get("inputs")
        if not isinstance(inputs, list):
            _refuse("inputs must be a list")
        _check_list(spec.inputs, inputs, matches, "inputs")
        state = body.get("state", [])
        if not isinstance(state, list):
            _refuse("state must be a list")
        _check_list(spec.state, state, matches, "state")
        if not spec.no_output:
            outputs = body.get("outputs")
            if spec.multi:
                if not isinstance(outputs, list):
                    _refuse("outputs must be a list")
                _check_list(spec.outputs, outputs, matches, "outputs")
            else:
                _check_item(spec.outputs[0], outputs, matches)
        changed = body.get("changedPropIds", [])
        if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
            _refuse("changedPropIds must be a list of strings")

    def _spec_for(self, output: str) -> _Spec:
        spec = self._specs.get(output)
        if spec is None:
            entry = self._map.get(output)
            # Clientside callbacks are listed too, but have nothing to run on the server.
            if entry is None or "callback" not in entry:
                _refuse("no such callback")
            spec = self._specs[output] = _spec(entry)
        return spec


def _check_list(
    declared: Sequence[_Dependency], sent: list[Any], matches: dict[str, Any], what: str
) -> None:
    if len(sent) != len(declared):
        _refuse(f"{what} do not match the callback")
    for dependency, item in zip(declared, sent, strict=True):
        _check_item(dependency, item, matches)


def _check_item(dependency: _Dependency, item: Any, matches: dict[str, Any]) -> None:
    if dependency.many:
        if not isinstance(item, list):
            _refuse("a pattern dependency must be a list")
        for one in item:
            _check_one(dependency, one, matches)
    else:
        _check_one(dependency, item, matches)


def _check_one(dependency: _Dependency, item: Any, matches: dict[str, Any]) -> None:
    if not isinstance(item, dict) or item.get("property") != dependency.prop:
        _refuse("a dependency does not match the callback")
    sent = item.get("id")
    if isinstance(dependency.id, str):
        if sent != dependency.id:
            _refuse("a dependency id does not match the callback")
        return
    if not isinstance(sent, dict) or sent.keys() != dependency.id.keys():
        _refuse("a dependency id does not match the callback")
    for key, wanted in dependency.id.items():
        value = sent[key]
        if isinstance(wanted, _Wild):
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                _refuse("a pattern id value must be a string or a number")
            if wanted.kind == "MATCH" and matches.setdefault(key, value) != value:
                _refuse("MATCH ids differ within one request")
        elif value != wanted:
            _refuse("a dependency id does not match the callback")


class CallbackGuard:
    """Pure ASGI middleware in front of Dash for ``POST /_dash-update-component``."""

    def __init__(
        self, app: ASGIApp, shapes: CallbackShapes, max_body: int = MAX_BODY_BYTES
    ) -> None:
        self.app = app
        self._shapes = shapes
        self._max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != UPDATE_PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive, self._max_body)
        if body is None:
            await refuse(send, 413, "Request body too large", "too_large")
            return
        try:
            self._shapes.check(json.loads(body))
        except (ValueError, RecursionError) as exc:
            # MalformedCallback is a ValueError, as is json's JSONDecodeError.
            _log.info("refused a callback request: %s", _reason(exc))
            await refuse(send, 400, "Malformed callback request", "bad_request")
            return
        verdict = _Verdict()
        token = _verdict.set(verdict)
        try:
            await self.app(scope, _replay(body, receive), _watch(send, verdict))
        finally:
            _verdict.reset(token)


class SuiteGuard:
    """Pure ASGI middleware: 404 for component-suite files Dash does not serve.

    Dash answers a request for an unregistered package or file with a 500; it is the
    client asking for something that does not exist. ``registered`` is the app's live
    ``registered_paths`` (package to the files it may serve, without fingerprints).
    """

    def __init__(self, app: ASGIApp, registered: Mapping[str, Collection[str]]) -> None:
        self.app = app
        self._registered = registered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(SUITES_PREFIX):
            package, _, fingerprinted = path[len(SUITES_PREFIX) :].partition("/")
            in_package, _ = check_fingerprint(fingerprinted)  # type: ignore[no-untyped-call]
            if in_package not in self._registered.get(package, ()):
                await refuse(send, 404, "Not Found", "not_found")
                return
        await self.app(scope, receive, send)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, MalformedCallback):
        return str(exc)
    return f"body is not JSON ({type(exc).__name__})"


def _watch(send: Send, verdict: _Verdict) -> Send:
    replaced = False

    async def watched(message: Message) -> None:
        nonlocal replaced
        if replaced:
            return  # the rest of Dash's 500 answer
        if message["type"] == "http.response.start" and message["status"] >= 500:
            if verdict.malformed:
                _log.info("refused a callback request: %s", verdict.malformed)
                replaced = True
                await refuse(send, 400, "Malformed callback request", "bad_request")
                return
            if not verdict.logged:
                _log.error("callback request failed with status %s", message["status"])
        await send(message)

    return watched


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()  # only a disconnect can follow
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
