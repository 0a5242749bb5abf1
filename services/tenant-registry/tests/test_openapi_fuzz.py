"""Schemathesis against the app's own OpenAPI spec, authenticated.

All of its default checks run: no server error, and every answer (statuses, bodies) is the
one the spec documents.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_no_operation_answers_with_a_server_error(app, client, auth, new_tenant, read_metric):
    new_tenant("acme", ("demo", ""), "fams")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=auth)

        call()

    # Every operation was really exercised, not just collected.
    answered = read_metric(client, "registry_http_requests")
    assert answered > 10 * len(operations)
    errors = [
        line
        for line in client.get("/metrics").text.splitlines()
        if line.startswith("registry_http_requests_total") and 'status="5' in line
    ]
    assert errors == []
