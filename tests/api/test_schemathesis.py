"""Property-based tests of the whole API against its own OpenAPI schema (Schemathesis).

In process over WSGI, with data in the database (the parties and records fixtures) and an
API token per role. Every operation gets a few generated cases per role; a path parameter is
replaced by a real id half of the time, so the 2xx paths are exercised too. Checks: no 5xx and
responses that match the schema. Bounded: MAX_EXAMPLES per operation and role, no deadline.
"""

from __future__ import annotations

from collections import Counter

import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts import services as account_services
from tests.api.conftest import ids_of_records

MAX_EXAMPLES = 4
ROLES = ["enterprise", "institution", "reviewer", "finance", "operator", "sh_reviewer"]
CHECKS = [not_a_server_error, response_schema_conformance]


def test_api_answers_without_server_errors_and_as_documented(
    parties, records, wsgi_without_connection_reset, capsys
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_without_connection_reset)
    real_ids = ids_of_records(parties, records)
    tokens = {
        role: account_services.api_token_create(
            actor=getattr(parties, role), name="fuzz", now=timezone.now()
        )[1]
        for role in ROLES
    }
    counter: Counter = Counter()
    failures: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        for role in ROLES:
            headers = {"Authorization": f"Token {tokens[role]}"}
            try:
                _explore(operation, headers, real_ids, counter)
            except Exception as error:  # collect every operation's failure, report together
                failures.append(f"{role} {operation.label}: {error}"[:1500])

    with capsys.disabled():
        statuses = ", ".join(f"{key} {counter[key]}" for key in sorted(counter) if key != "cases")
        print(f"\nschemathesis: {counter['cases']} cases, {len(ROLES)} roles ({statuses})")
    assert failures == [], "\n\n".join(failures[:15])


def _explore(operation, headers: dict, real_ids: dict, counter: dict) -> None:
    @settings(
        max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), use_real_id=st.booleans())
    def run(case, use_real_id):
        counter["cases"] += 1
        if use_real_id and case.path_parameters:
            case.path_parameters = {
                name: real_ids.get(name, value) for name, value in case.path_parameters.items()
            }
        response = case.call(headers=headers)
        counter[f"{response.status_code // 100}xx"] += 1
        case.validate_response(response, checks=CHECKS)

    run()
