"""Replays the captured QuantumLeap responses against a QL by URL.

By default against the stand-in (one process per dialect); with
``DAZZLER_CONTRACT_QL_URL`` against that QL instead (seeded first, compared with the
capture of the version it reports).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

FIXTURES = {"1.0.0": "responses-1.0.0.json", "1.0.1": "responses-1.0.1-dev.json"}
EXTERNAL = os.environ.get("DAZZLER_CONTRACT_QL_URL")


def _seed(url: str, contracts: Path) -> None:
    seed = json.loads((contracts / "seed-notifications.json").read_text())
    for call in seed["notifications"]:
        response = httpx.post(f"{url}/v2/notify", json=call["body"], headers=call["headers"])
        assert response.status_code == 200, response.text


def same_json(actual: Any, expected: Any) -> bool:
    """Exact JSON equality, except floats compare with a small relative tolerance."""
    if isinstance(expected, float) or isinstance(actual, float):
        numbers = (int, float)
        return (
            isinstance(actual, numbers)
            and isinstance(expected, numbers)
            and not isinstance(actual, bool)
            and math.isclose(actual, expected, rel_tol=1e-6, abs_tol=1e-9)
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(same_json(actual[k], v) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same_json(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return type(actual) is type(expected) and bool(actual == expected)


def _external_dialect(url: str) -> str:
    version = httpx.get(f"{url}/version").json()["version"]
    return "1.0.0" if version == "1.0.0" else "1.0.1"


DIALECTS = [_external_dialect(EXTERNAL)] if EXTERNAL else list(FIXTURES)


@pytest.fixture(scope="module", params=DIALECTS)
def ql(
    request: pytest.FixtureRequest, start_sim: Callable[..., Any], contracts_dir: Path
) -> Iterator[tuple[str, str]]:
    dialect: str = request.param
    if EXTERNAL:
        _seed(EXTERNAL, contracts_dir)
        yield EXTERNAL, dialect
        return
    sim = start_sim("--dialect", dialect)
    try:
        _seed(sim.ql_url, contracts_dir)
        yield sim.ql_url, dialect
    finally:
        sim.stop()


def test_every_captured_case_answers_the_same(ql: tuple[str, str], contracts_dir: Path) -> None:
    url, dialect = ql
    cases = json.loads((contracts_dir / FIXTURES[dialect]).read_text())["cases"]
    assert len(cases) == 60
    mismatches = []
    with httpx.Client(base_url=url, timeout=10) as http:
        for number, case in enumerate(cases):
            request, expected = case["request"], case["response"]
            target = request["path"] + (f"?{request['query']}" if request["query"] else "")
            response = http.request(
                request["method"], target, headers=request["headers"], json=request.get("body")
            )
            content_type = response.headers.get("content-type", "").split(";")[0]
            body = response.json() if expected["json"] else response.text
            if (
                response.status_code != expected["status"]
                or content_type != expected["content_type"]
                or not same_json(body, expected["body"])
            ):
                mismatches.append(
                    f"#{number} {request['method']} {target}: got {response.status_code} "
                    f"{content_type} {json.dumps(body)[:300]}, want {expected['status']} "
                    f"{expected['content_type']} {json.dumps(expected['body'])[:300]}"
                )
    assert mismatches == []


def test_float_comparison_tolerates_rounding_only() -> None:
    assert same_json({"v": [24.0000000001]}, {"v": [24.0]})
    assert not same_json({"v": [24.1]}, {"v": [24.0]})
    assert not same_json({"v": [True]}, {"v": [1]})
    assert not same_json({"v": 1, "w": 2}, {"v": 1})
