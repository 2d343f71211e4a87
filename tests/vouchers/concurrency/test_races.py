"""Real threads on PostgreSQL, each with its own connection: the locks must hold."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from accounts.errors import ApplicationError
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.ledger.models import Account
from vouchers.ledger.selectors import ledger_verify
from vouchers.models import Application, ServiceOrder, Voucher
from vouchers.services import applications, orders

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def race(calls) -> Counter:
    """Run every call at once (a barrier releases them together); count outcomes by code."""
    barrier = threading.Barrier(len(calls))
    outcomes: Counter = Counter()
    guard = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            call()
            outcome = "ok"
        except ApplicationError as error:
            outcome = error.code
        finally:
            connection.close()
        with guard:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_approvals_never_allocate_more_than_the_budget():
    reviewer = build.authority("JS")
    program = build.make_program(actor=reviewer, budget_fen=1_000_00)
    pending = [
        applications.application_submit(
            actor=build.enterprise_user(),
            program=program,
            amount_fen=300_00,
            purpose="检测",
            planned_categories=[build.category()],
            now=NOW,
        )
        for _ in range(8)
    ]

    outcomes = race(
        [
            lambda application=application: applications.application_approve(
                actor=reviewer, application=application, now=NOW
            )
            for application in pending
        ]
    )

    assert outcomes == Counter({"ok": 3, "budget_exhausted": 5})
    assert Voucher.objects.count() == 3
    assert Application.objects.filter(state="approved").count() == 3
    budget = Account.objects.get(pk=program.budget_account_id)
    assert (budget.available_fen, budget.debits_posted_fen) == (100_00, 900_00)
    assert ledger_verify().ok


def test_parallel_orders_spend_one_voucher_exactly_once():
    reviewer = build.authority("JS")
    program = build.make_program(actor=reviewer)
    enterprise = build.enterprise_user()
    institution = build.institution_user("SH").organisation
    voucher = build.issue_voucher(program, enterprise, 100_00, reviewer=reviewer)

    outcomes = race(
        [
            lambda number=number: orders.order_place(
                actor=enterprise,
                voucher=voucher,
                institution=institution,
                category=build.category(),
                contract_number=f"HT-{number}",
                total_fee_fen=60_00,
                now=NOW,
            )
            for number in range(8)
        ]
    )

    assert outcomes == Counter({"ok": 4, "voucher_exhausted": 4})
    held = sorted(ServiceOrder.objects.values_list("voucher_fen", flat=True))
    assert held == [10_00, 30_00, 30_00, 30_00]
    account = Account.objects.get(pk=voucher.account_id)
    assert (account.available_fen, account.debits_pending_fen) == (0, 100_00)
    assert ledger_verify().ok


def test_parallel_claims_of_one_enterprise_stay_within_its_annual_cap():
    # One pending application per program: the parallel claims go to six programs of the
    # year, whose cap counts them all.
    programs = [
        build.make_program(name=f"第{number}批", enterprise_annual_cap_fen=1_000_00)
        for number in range(6)
    ]
    enterprise = build.enterprise_user()

    outcomes = race(
        [
            lambda program=program: applications.application_submit(
                actor=enterprise,
                program=program,
                amount_fen=300_00,
                purpose="检测",
                planned_categories=[build.category()],
                now=NOW,
            )
            for program in programs
        ]
    )

    assert outcomes == Counter({"ok": 3, "over_annual_cap": 3})
    assert Application.objects.filter(enterprise=enterprise.organisation).count() == 3
