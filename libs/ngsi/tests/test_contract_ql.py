"""Every captured QL answer (1.0.0 and 1.0.1-dev) read through the clients."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from ngsi import ApiError, EntitySeries, FiwareContext

CONTRACTS_DIR = Path(__file__).resolve().parents[3] / "contracts" / "ql"
DIALECTS = {
    "1.0.0": json.loads((CONTRACTS_DIR / "responses-1.0.0.json").read_text())["cases"],
    "1.0.1": json.loads((CONTRACTS_DIR / "responses-1.0.1-dev.json").read_text())["cases"],
}
# Endpoints the clients do not call: the same data comes from the non-/value endpoints,
# and /v2/attrs* (all types at once) is not something a board asks for.
NOT_CALLED = re.compile(r"^/v2/$|/value$|^/v2/attrs")
QL_CAP = 10_000
NO_DATA = {"error": "Not Found", "description": "No records were found for such query."}


def _response(case: dict[str, Any]) -> httpx.Response:
    answer = case["response"]
    body = answer["body"]
    content = json.dumps(body) if answer["json"] else str(body)
    return httpx.Response(
        answer["status"], headers={"content-type": answer["content_type"]}, content=content
    )


def _is_no_data(case: dict[str, Any]) -> bool:
    answer = case["response"]
    return (answer["status"] == 404 and answer["body"] == NO_DATA) or (
        answer["status"] == 200 and answer["body"] == []
    )


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _context(case: dict[str, Any]) -> FiwareContext:
    headers = case["request"]["headers"]
    return FiwareContext(
        service=headers.get("Fiware-Service"),
        service_path=headers.get("Fiware-ServicePath", "/"),
    )


def _entity_type(case: dict[str, Any], query: dict[str, str]) -> str:
    body = case["response"]["body"]
    if isinstance(body, dict):
        found = body.get("type") or body.get("entityType")
        if isinstance(found, str):
            return found
    return query.get("type", "Room")


def _call(case: dict[str, Any]) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    """The client method, arguments and keywords that make the captured request."""
    request = case["request"]
    path: str = request["path"]
    query = dict(parse_qsl(request["query"]))
    ctx = _context(case)
    kwargs: dict[str, Any] = {}
    for name, key in (("lastN", "last_n"), ("limit", "limit"), ("offset", "offset")):
        if name in query:
            kwargs[key] = int(query[name])
    if kwargs.get("limit", 0) > QL_CAP:
        # The client refuses limits QL would silently cap; it pages instead.
        del kwargs["limit"]
    for name, key in (("fromDate", "from_date"), ("toDate", "to_date")):
        if name in query:
            kwargs[key] = _time(query[name])
    for name, key in (("aggrMethod", "aggr_method"), ("aggrPeriod", "aggr_period")):
        if name in query:
            kwargs[key] = query[name]
    parts = path.strip("/").split("/")
    if path == "/version":
        return "version", (), {}
    if path == "/health":
        return "health", (), {}
    if path == "/v2/entities":
        extra = {"type": query.get("type"), "id_pattern": query.get("idPattern")}
        for key in ("limit", "offset"):
            extra[key] = kwargs.get(key)
        return "list_entities", (ctx,), extra
    if path == "/v2/op/query":
        body = request["body"]
        pairs = [(e["id"], e["type"]) for e in body["entities"]]
        return "last_values", (ctx, pairs, body.get("attrs")), {}
    if path == "/v2/notify":
        return "notify", (ctx, [{"id": "X", "type": "T"}]), {}
    if parts[1] == "entities" and len(parts) == 3:
        if "attrs" in query:
            kwargs["attrs"] = query["attrs"].split(",")
        kwargs["type"] = _entity_type(case, query)
        return "entity_series", (ctx, parts[2]), kwargs
    if parts[1] == "entities" and len(parts) == 5:
        kwargs["type"] = _entity_type(case, query)
        return "attr_series", (ctx, parts[2], parts[4]), kwargs
    if "id" in query:
        kwargs["ids"] = query["id"].split(",")
    if parts[1] == "types" and len(parts) == 3:
        if "attrs" in query:
            kwargs["attrs"] = query["attrs"].split(",")
        return "type_series", (ctx, parts[2]), kwargs
    if parts[1] == "types" and len(parts) == 5:
        return "type_attr_series", (ctx, parts[2], parts[4]), kwargs
    raise AssertionError(f"no client call for {path}")


def _ids(dialect: str, predicate: Any) -> list[Any]:
    return [
        pytest.param(dialect, n, id=f"{dialect}-{n}-{c['request']['path']}?{c['request']['query']}")
        for n, c in enumerate(DIALECTS[dialect])
        if predicate(c)
    ]


def _ok(case: dict[str, Any]) -> bool:
    return (
        case["response"]["status"] < 300
        and not NOT_CALLED.search(case["request"]["path"])
        and not _is_no_data(case)
    )


OK_CASES = _ids("1.0.0", _ok) + _ids("1.0.1", _ok)


def _entry_id(entry: dict[str, Any]) -> str:
    return str(entry.get("id", entry.get("entityId")))


def _expected_attributes(entry: dict[str, Any], attr: str | None = None) -> dict[str, list[Any]]:
    if "attributes" in entry:
        return {a["attrName"]: a["values"] for a in entry["attributes"]}
    return {str(attr): entry["values"]}


def _check_series(series: EntitySeries, entry: dict[str, Any], attr: str | None) -> None:
    assert series.id == _entry_id(entry)
    assert series.attributes == _expected_attributes(entry, attr)
    rows = {len(values) for values in series.attributes.values()}
    if series.index:
        assert [_time(t) for t in entry["index"]] == series.index
        assert rows == {len(series.index)}
    else:
        # A whole-range aggregate: one value per attribute and no time index.
        assert rows <= {0, 1}


@pytest.mark.parametrize(("dialect", "number"), OK_CASES)
def test_captured_answer_parses(make_ql, recorder, dialect: str, number: int) -> None:
    case = DIALECTS[dialect][number]
    method, args, kwargs = _call(case)
    backend = recorder(lambda request: _response(case))

    result = make_ql(backend)(method, *args, **kwargs)

    sent = backend.requests[0]
    assert sent.method == case["request"]["method"]
    assert sent.url.path == case["request"]["path"]
    sent_query = dict(sent.url.params)
    for name, value in parse_qsl(case["request"]["query"]):
        if name == "limit" and int(value) > QL_CAP:
            assert sent_query[name] == str(QL_CAP)
        elif name in ("fromDate", "toDate"):
            assert _time(sent_query[name]) == _time(value)
        else:
            assert sent_query[name] == value
    for header, value in case["request"]["headers"].items():
        if header.startswith("Fiware"):
            assert sent.headers[header] == value

    body = case["response"]["body"]
    if method == "version":
        assert result == body["version"]
    elif method == "health":
        assert result.status == body["status"]
        assert result.ok
    elif method == "list_entities":
        got = [(e.id, e.type, e.index) for e in result]
        want = [(_entry_id(e), e.get("type", e.get("entityType")), _time(e["index"])) for e in body]
        assert got == want
    elif method == "last_values":
        assert result == body
    elif method == "notify":
        assert result is None
    elif method in ("entity_series", "attr_series"):
        _check_series(result, body, body.get("attrName"))
        assert result.type == body.get("type", body.get("entityType"))
    else:
        assert [series.id for series in result] == [_entry_id(e) for e in body["entities"]]
        for series, entry in zip(result, body["entities"], strict=True):
            _check_series(series, entry, body.get("attrName"))
            assert series.type == body.get("type", body.get("entityType"))


def _pairs_with_no_data() -> list[Any]:
    return [
        pytest.param(n, id=f"{n}-{c['request']['path']}?{c['request']['query']}")
        for n, c in enumerate(DIALECTS["1.0.1"])
        if _is_no_data(c) and not NOT_CALLED.search(c["request"]["path"])
    ]


@pytest.mark.parametrize("number", _pairs_with_no_data())
@pytest.mark.parametrize("dialect", ["1.0.0", "1.0.1"])
def test_no_data_is_an_empty_result(make_ql, dialect: str, number: int) -> None:
    case = DIALECTS[dialect][number]
    assert _is_no_data(case)
    method, args, kwargs = _call(case)

    result = make_ql(lambda request: _response(case))(method, *args, **kwargs)

    if isinstance(result, EntitySeries):
        assert result.is_empty
        assert (result.id, len(result), result.attributes) == (args[1], 0, {})
    else:
        assert result == []


def _expected_error(case: dict[str, Any]) -> tuple[int, str, str]:
    answer = case["response"]
    body = answer["body"]
    if isinstance(body, dict) and "error" in body:
        code = re.sub(r"^<class '(?:[\w.]+\.)?(\w+)'>$", r"\1", body["error"])
        return answer["status"], code, body["description"]
    if isinstance(body, dict):
        return answer["status"], body["title"], body["detail"]
    return answer["status"], httpx.codes.get_reason_phrase(answer["status"]), str(body)


def _error(case: dict[str, Any]) -> bool:
    return case["response"]["status"] >= 400 and not _is_no_data(case)


ERROR_CASES = _ids("1.0.0", _error) + _ids("1.0.1", _error)


def _sendable(case: dict[str, Any]) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    """A valid call to the captured endpoint: some captured queries are ones the client
    refuses to send (lastN=0, aggrPeriod alone), but their answers must still read."""
    path = case["request"]["path"]
    ctx = _context(case)
    parts = path.strip("/").split("/")
    if path == "/v2/notify":
        return "notify", (ctx, [{"id": "X", "type": "T"}]), {}
    if parts[1] == "entities" and len(parts) == 5:
        return "attr_series", (ctx, parts[2], parts[4]), {"type": "Device"}
    if parts[1] == "entities":
        return "entity_series", (ctx, parts[2]), {"type": "Room"}
    return "type_series", (ctx, parts[2]), {}


@pytest.mark.parametrize(("dialect", "number"), ERROR_CASES)
def test_captured_error_is_api_error(make_ql, dialect: str, number: int) -> None:
    case = DIALECTS[dialect][number]
    method, args, kwargs = _sendable(case)

    with pytest.raises(ApiError) as caught:
        make_ql(lambda request: _response(case))(method, *args, **kwargs)

    status, code, description = _expected_error(case)
    assert (caught.value.status, caught.value.code, caught.value.description) == (
        status,
        code,
        description,
    )


def test_both_dialects_give_equal_results(make_ql) -> None:
    results = []
    for dialect in ("1.0.0", "1.0.1"):
        case = DIALECTS[dialect][36]
        assert case["request"]["path"] == "/v2/types/Room"
        results.append(
            make_ql(lambda request, c=case: _response(c))("type_series", _context(case), "Room")
        )
    assert results[0] == results[1]
    assert [s.id for s in results[0]] == ["Room1", "Room2"]
    assert results[0][1].attributes["pressure"] == [800, 801, 802, 803, 804]
