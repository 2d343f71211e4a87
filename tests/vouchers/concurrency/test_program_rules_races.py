"""Real threads on PostgreSQL: one pending application per enterprise and program, however
many submits arrive at once; the database's own checks on a program's required evidence."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import IntegrityError, transaction

from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.concurrency.test_races import race
from vouchers.models import Application, Program
from vouchers.services import applications

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_simultaneous_submits_leave_one_pending_application():
    program = build.make_program()
    enterprise = build.enterprise_user()

    outcomes = race([
        lambda: applications.application_submit(
            actor=enterprise, program=program, amount_fen=100_000_00, purpose="检测",
            planned_categories=[build.category()], now=NOW,
        )
        for _ in range(4)
    ])

    assert outcomes == Counter({"ok": 1, "application_pending": 3})
    assert Application.objects.filter(program=program, state="submitted").count() == 1


@pytest.mark.parametrize("value", [["bogus"], [], {"kinds": ["invoice"]}, ["invoice", "x"]])
def test_postgresql_refuses_unknown_or_empty_required_evidence(value):
    program = build.make_program()
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(required_evidence=value)
    assert Program.objects.get(pk=program.pk).required_evidence == [
        "contract", "invoice", "payment_proof", "report"]
