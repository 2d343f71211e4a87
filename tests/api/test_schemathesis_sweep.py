"""Property-based tests of the whole API against its own OpenAPI schema (Schemathesis 4).

In process over WSGI (no server), with data in the database (the parties and records
fixtures) and an API token per role. The live schema is loaded from the app. Every operation
gets MAX_EXAMPLES generated cases per role in each generation mode: positive (data the schema
allows, which must be accepted) and negative (data it forbids, which must be refused). A path
parameter is replaced by a real id half of the time, so the 2xx paths are exercised too.

Every built-in check runs (`--checks all`: no 5xx, status codes, content types, headers and
bodies as documented, negative data rejected, positive data accepted, unsupported methods,
ignored auth, ...). A finding does not stop the sweep: each is collected with its operation,
role, mode, check, a curl line and the start of the answer, printed grouped by check, and the
test fails on any.
Bounded and deterministic: derandomized Hypothesis, no shrinking, no example database.

The expected statuses come from schemathesis.toml (the contract an outside client's own runs
use too: a schema-valid request may be refused with 422 by a rule no schema can state).
Part of `make test` in both CI runs (SQLite, then PostgreSQL); alone: `make contract`.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.parameters import ParameterLocation

from accounts import services as account_services
from tests.api.conftest import ids_of_records

pytestmark = pytest.mark.schemathesis

# CI's bounded run: 5 cases per operation, role and mode from a fixed seed. Exploring further
# by hand: VOUCHERS_SCHEMATHESIS_EXAMPLES=50 VOUCHERS_SCHEMATHESIS_SEED=7 make contract
MAX_EXAMPLES = int(os.environ.get("VOUCHERS_SCHEMATHESIS_EXAMPLES", "5"))
SEED = os.environ.get("VOUCHERS_SCHEMATHESIS_SEED")
ROLES = ["enterprise", "institution", "reviewer", "finance", "operator", "sh_reviewer"]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@dataclass(frozen=True)
class Finding:
    check: str
    operation: str
    role: str
    mode: str
    status: int
    message: str
    answer: str  # the start of the response body: the refusal's own words
    curl: str


def test_every_check_passes_for_every_role_in_both_modes(
    parties: Any, records: Any, wsgi_without_connection_reset: WSGIHandler,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given the live schema, real records and one API token per role
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", wsgi_without_connection_reset,
        config=SchemathesisConfig.from_path(django_settings.BASE_DIR / "schemathesis.toml"),
    )
    load_all_checks()
    checks = list(CHECKS.get_all())
    real_ids = ids_of_records(parties, records)
    tokens = {
        role: account_services.api_token_create(
            actor=getattr(parties, role), name="fuzz", now=timezone.now()
        )[1]
        for role in ROLES
    }
    counter: Counter[str] = Counter()
    findings: set[Finding] = set()

    # When every operation is explored for every role in both modes with every check
    for result in schema.get_all_operations():
        operation = result.ok()
        for role in ROLES:
            for mode in MODES:
                sweep = _Sweep(operation, role, mode, tokens[role], real_ids, checks)
                sweep.run(counter, findings)

    # Then nothing is found
    with capsys.disabled():
        print(_summary(counter, findings))
    assert not findings, f"{len(findings)} schemathesis findings (see the summary above)"


@dataclass
class _Sweep:
    operation: Any
    role: str
    mode: GenerationMode
    token: str
    real_ids: dict[str, int]
    checks: list[Any]

    def run(self, counter: Counter[str], findings: set[Finding]) -> None:
        headers = {"Authorization": f"Token {self.token}"}

        @settings(
            max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=SEED is None,
            phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
        )
        @given(case=self.operation.as_strategy(generation_mode=self.mode),
               use_real_id=st.booleans())
        def explore(case: Any, use_real_id: bool) -> None:
            counter["cases"] += 1
            # A real id replaces a path value the case means to be valid, never one it negated
            # (the check would still take the request for a negative one).
            path_negated = case.meta is not None and case.meta.is_negative_at(
                ParameterLocation.PATH)
            if use_real_id and case.path_parameters and not path_negated:
                case.path_parameters = {
                    name: self.real_ids.get(name, value)
                    for name, value in case.path_parameters.items()
                }
            response = case.call(headers=headers)
            counter[f"{response.status_code // 100}xx"] += 1
            try:
                case.validate_response(response, checks=self.checks, headers=headers)
            except FailureGroup as group:
                failures: tuple[Failure, ...] = group.exceptions
            except Failure as failure:
                failures = (failure,)
            else:
                return
            for failure in failures:  # collected, not raised: the sweep goes on
                findings.add(Finding(
                    check=failure.title, operation=self.operation.label, role=self.role,
                    mode=self.mode.value, status=response.status_code,
                    message=" ".join(str(failure.message).split())[:300],
                    answer=" ".join(response.text.split())[:300],
                    curl=case.as_curl_command(headers={"Authorization": "Token <role>"})[:1500],
                ))

        if SEED is not None:
            explore = seed(int(SEED))(explore)
        try:
            explore()
        except Unsatisfiable:
            # Nothing of the operation can be made invalid (no parameters, no body): the
            # negative mode has no case to send, which is not a finding.
            counter["operations without negative cases"] += 1


def _summary(counter: Counter[str], findings: set[Finding]) -> str:
    statuses = ", ".join(f"{key} {counter[key]}" for key in sorted(counter) if key != "cases")
    lines = [f"\nschemathesis: {counter['cases']} cases, {len(ROLES)} roles, "
             f"{len(MODES)} modes ({statuses}); {len(findings)} findings"]
    by_check: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        by_check[finding.check][finding.operation].append(finding)
    for check in sorted(by_check):
        lines.append(f"\n## {check}")
        for operation in sorted(by_check[check]):
            found = by_check[check][operation]
            first = min(found, key=lambda finding: (finding.role, finding.mode))
            lines.append(f"- {operation} [{_who(found)}] {first.status}: {first.message}")
            lines.append(f"    answer: {first.answer}")
            lines.append(f"    {first.curl}")
    return "\n".join(lines)


def _who(found: list[Finding]) -> str:
    """The roles and modes a finding showed for, shortened when it is all of them."""
    roles = sorted({finding.role for finding in found})
    modes = sorted({finding.mode for finding in found})
    if len({(finding.role, finding.mode) for finding in found}) == len(roles) * len(modes):
        who = "every role" if len(roles) == len(ROLES) else ", ".join(roles)
        return f"{who}; {' and '.join(modes)}"
    return ", ".join(sorted({f"{finding.role}/{finding.mode}" for finding in found}))
